#!/bin/sh
# Records every session: 9 shared GENIUS domains x 16 agent pairings x
# R in {20, 100}, with GENIUS 10.4 built as README.md says.
set -e
S=/work/shared/data/genius
OUT=/work/genius-run/traces2
mkdir -p $OUT
CP="/work/genius-run/driver/classes2:$(cat /work/genius-run/driver/cp.txt)"
run_domain() { # name folder domain profA profB
  f=$OUT/$1.tsv; : > $f
  for R in 20 100; do
    for ea in 0 0.2 1 2; do for eb in 0 0.2 1 2; do
      printf 'session\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$2" "$3" "$4" "$5" $ea $eb $R >> $f
      java -cp "$CP" TraceDriver $S/$2/$3 $S/$2/$4 $S/$2/$5 $ea $eb $R | grep -v "^Deadline reached" >> $f
    done; done
  done
}
run_domain laptop Laptop_negmas_testdata Laptop-C-domain.xml Laptop-C-prof1.xml Laptop-C-prof2.xml
run_domain itex_cypress anac2010_ItexvsCypress ItexvsCypress_domain.xml ItexvsCypress_Cypress.xml ItexvsCypress_Itex.xml
run_domain camera anac2011_Camera camera_domain.xml camera_buyer_utility.xml camera_seller_utility.xml
run_domain grocery anac2011_Grocery Grocery_domain.xml Grocery_domain_mary.xml Grocery_domain_sam.xml
run_domain energy_small_a anac2012_EnergySmallA EnergySmall-A-domain.xml EnergySmall-A-prof1.xml EnergySmall-A-prof2.xml
run_domain fifty_fifty_a anac2012_FiftyFiftyA FiftyFifty-A-domain.xml FiftyFifty-A-prof1.xml FiftyFifty-A-prof2.xml
run_domain flight_booking_a anac2012_FlightBookingA FlightBooking-A-domain.xml FlightBooking-A-prof1.xml FlightBooking-A-prof2.xml
run_domain wholesaler anac2013_Wholesaler Wholesaler-domain.xml Wholesaler-prof1.xml Wholesaler-prof2.xml
run_domain nice_or_die anac2011_NiceOrDie NiceOrDie.xml NiceOrDie1.xml NiceOrDie2.xml
echo done
