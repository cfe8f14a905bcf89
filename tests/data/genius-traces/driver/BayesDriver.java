// Feeds GENIUS 10.4's BayesianOpponentModelScalable (built on the first
// profile's utility space) the bids given as value-label lists, and after
// each prints getNormalizedUtility of every bid in BidIterator order.
// Usage: java BayesDriver DOMAIN.xml PROFILE.xml "v1,v2,..." "v1,v2,..." ...
import agents.bayesianopponentmodel.BayesianOpponentModelScalable;
import genius.core.*;
import genius.core.issue.*;
import genius.core.utility.AdditiveUtilitySpace;
import java.util.*;

public class BayesDriver {
    public static void main(String[] args) throws Exception {
        Domain d = new DomainImpl(args[0]);
        AdditiveUtilitySpace us = new AdditiveUtilitySpace(d, args[1]);
        BayesianOpponentModelScalable m = new BayesianOpponentModelScalable(us);
        List<Issue> issues = d.getIssues();
        for (int a = 2; a < args.length; a++) {
            String[] labels = args[a].split(",");
            HashMap<Integer, Value> vals = new HashMap<>();
            for (int i = 0; i < issues.size(); i++)
                vals.put(issues.get(i).getNumber(), new ValueDiscrete(labels[i]));
            m.updateBeliefs(new Bid(d, vals));
            StringBuilder sb = new StringBuilder("after\t" + args[a]);
            BidIterator it = new BidIterator(d);
            while (it.hasNext())
                sb.append('\t').append(m.getNormalizedUtility(it.next()));
            System.out.println(sb);
        }
    }
}
