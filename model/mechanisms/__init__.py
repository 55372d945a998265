"""The monthly mechanisms, one module each, run in this order (documented in docs/ODD.md §3):

1. ``demography``   – ageing and residence time
1b. ``migration``   – immigrant households leave; newcomers of the same origin arrive
2. ``economy``      – household income, persistent low income, deciles, leisure budget
3. ``employment``   – job finding (Norwegian, bridging ties, education) and job loss
4. ``recruitment``  – asking through ties and outside them; informed self-joining
5. ``youth``        – parents enrol children; parents pulled along
6. ``membership``   – leaving under barriers
7. ``ladder``       – member → volunteer → office (self-recruitment); informal help
8. ``ties``         – decay, meetings in foci, triadic closure; municipalities update linking ties
9. ``language``     – Norwegian and dugnad literacy grow
10. ``trust``       – generalised trust from participation and bridging contact
"""

from model.mechanisms import (demography, economy, employment, ladder, language, membership, migration,
                              recruitment, trust, youth)
from model.mechanisms import ties as ties_mechanism

# Mechanisms that change persons' own traits are held still during the burn-in, so that at month 0
# the population still has the traits drawn from the data (origin_groups.csv) while memberships
# and ties have grown to a steady state around them.
HELD_DURING_BURN_IN = frozenset({"demography", "migration", "employment", "language"})

ORDER = (
    ("demography", demography.step),
    ("migration", migration.step),
    ("economy", economy.step),
    ("employment", employment.step),
    ("recruitment", recruitment.step),
    ("youth", youth.step),
    ("membership", membership.step),
    ("ladder", ladder.step),
    ("ties", ties_mechanism.step),
    ("linking", lambda model: model.municipalities.shuffle_do("step")),
    ("language", language.step),
    ("trust", trust.step),
)
