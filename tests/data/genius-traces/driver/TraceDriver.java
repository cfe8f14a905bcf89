// Runs GENIUS 10.4 bilateral sessions between TimeDependentAgent variants
// through GENIUS's own SessionManager and StackedAlternatingOffersProtocol,
// and prints every action as compact TSV. Written for parley's trace tests.
// Usage: java TraceDriver DOMAIN.xml PROFILE_A.xml PROFILE_B.xml E_A E_B ROUNDS
import genius.core.*;
import genius.core.actions.*;
import genius.core.events.*;
import genius.core.issue.*;
import genius.core.listener.Listener;
import genius.core.parties.*;
import genius.core.persistent.PersistentDataType;
import genius.core.protocol.*;
import genius.core.repository.*;
import genius.core.session.*;
import java.io.File;
import java.util.*;

public class TraceDriver {
    static double eA, eB;
    public static class TD extends agents.TimeDependentAgent {
        final double e;
        TD(double e) { this.e = e; }
        @Override public double getE() { return e; }
    }
    public static final java.util.List<String> nashLog = new java.util.ArrayList<>();
    /** GENIUS's NiceTitForTat, its private myNashUtility read after each turn. */
    public static class NTFT extends agents.anac.y2011.Nice_Tit_for_Tat.NiceTitForTat {
        @Override public genius.core.actions.Action chooseAction() {
            genius.core.actions.Action a = super.chooseAction();
            try {
                java.lang.reflect.Field f = agents.anac.y2011.Nice_Tit_for_Tat.NiceTitForTat.class
                        .getDeclaredField("myNashUtility");
                f.setAccessible(true);
                nashLog.add("nash\t" + ((genius.core.timeline.DiscreteTimeline) timeline).getRound()
                        + "\t" + f.getDouble(this));
            } catch (Exception e) { throw new RuntimeException(e); }
            return a;
        }
    }
    public static class PartyA extends AgentAdapter {
        private final Agent a = eA < 0 ? new NTFT() : new TD(eA);
        @Override protected Agent getAgent() { return a; }
    }
    public static class PartyB extends AgentAdapter {
        private final Agent a = new TD(eB);
        @Override protected Agent getAgent() { return a; }
    }

    static String bidText(Bid b) {
        StringBuilder s = new StringBuilder();
        for (Issue i : b.getIssues()) {
            if (s.length() > 0) s.append('\t');
            s.append(b.getValue(i.getNumber()).toString());
        }
        return s.toString();
    }

    public static void main(String[] args) throws Exception {
        eA = Double.parseDouble(args[3]);
        eB = Double.parseDouble(args[4]);
        int rounds = Integer.parseInt(args[5]);
        DomainRepItem dom = new DomainRepItem(new File(args[0]).toURI().toURL());
        ProfileRepItem pa = new ProfileRepItem(new File(args[1]).toURI().toURL(), dom);
        ProfileRepItem pb = new ProfileRepItem(new File(args[2]).toURI().toURL(), dom);
        MultilateralProtocol protocol = new StackedAlternatingOffersProtocol();
        SessionsInfo info = new SessionsInfo(protocol, PersistentDataType.DISABLED, false);
        Deadline deadline = new Deadline(rounds, DeadlineType.ROUND);
        Session session = new Session(deadline, info);
        ExecutorWithTimeout exec = new ExecutorWithTimeout(1000L * 600);
        List<NegotiationPartyInternal> parties = new ArrayList<>();
        parties.add(new NegotiationPartyInternal(new PartyRepItem("TraceDriver$PartyA"), pa, session, info, new AgentID("A")));
        parties.add(new NegotiationPartyInternal(new PartyRepItem("TraceDriver$PartyB"), pb, session, info, new AgentID("B")));
        SessionManager sm = new SessionManager(null, parties, session, exec);
        final StringBuilder out = new StringBuilder();
        final Bid[] agreement = new Bid[1];
        final double[] measures = {Double.NaN, Double.NaN, Double.NaN};
        final boolean[] failed = new boolean[1];
        sm.addListener(new Listener<NegotiationEvent>() {
            public void notifyChange(NegotiationEvent ev) {
                if (ev instanceof MultipartyNegoActionEvent) {
                    MultipartyNegoActionEvent e = (MultipartyNegoActionEvent) ev;
                    Action a = e.getAction();
                    String who = a.getAgent().toString();
                    if (a instanceof Offer)
                        out.append(e.getRound()).append('\t').append(who).append("\toffer\t")
                           .append(bidText(((Offer) a).getBid())).append('\n');
                    else if (a instanceof Accept)
                        out.append(e.getRound()).append('\t').append(who).append("\taccept\t")
                           .append(bidText(((Accept) a).getBid())).append('\n');
                    else
                        out.append(e.getRound()).append('\t').append(who).append('\t')
                           .append(a.getClass().getSimpleName()).append("\t-\n");
                } else if (ev instanceof SessionEndedNormallyEvent) {
                    SessionEndedNormallyEvent se = (SessionEndedNormallyEvent) ev;
                    agreement[0] = se.getAgreement();
                    measures[0] = se.getAnalysis().getDistanceToPareto();
                    measures[1] = se.getAnalysis().getDistanceToNash();
                    measures[2] = session.getTimeline().getTime();
                } else if (ev instanceof SessionFailedEvent) {
                    failed[0] = true;
                    ((SessionFailedEvent) ev).getException().printStackTrace();
                }
            }
        });
        sm.runAndWait();
        System.out.print(out);
        for (String l : nashLog) System.out.println(l);
        System.out.println("measures\t" + measures[2] + "\t" + measures[0] + "\t" + measures[1]);
        System.out.println(failed[0] ? "end\tfailed" : agreement[0] == null ? "end\tnone" : "end\tagreement\t" + bidText(agreement[0]));
        System.exit(0);
    }
}
