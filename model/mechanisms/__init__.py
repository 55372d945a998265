"""The monthly mechanisms, one module each, run in this order (documented in docs/ODD.md §3):

1. ``demography``   – ageing, deaths, births, the household life course, migration by origin group
                      (before the month's interventions)
2. ``economy``      – household income, persistent low income, deciles, leisure budget
3. ``employment``   – job finding (Norwegian, bridging ties, education) and job loss
4. ``recruitment``  – asking through ties and outside them; informed self-joining
5. ``youth``        – parents enrol children; parents pulled along
6. ``membership``   – leaving under barriers
7. ``ladder``       – member → volunteer → office (self-recruitment); informal help
8. ``organisations`` – thin organisations fold; new ones are founded where a kind or an origin
                      group is under-served (McPherson's ecology of affiliation)
   ``hours``        – the hours each volunteer gives this month, once the month's roles are final (no draws)
9. ``ties``         – decay, meetings in foci, triadic closure; municipalities update linking ties
10. ``language``    – Norwegian and dugnad literacy grow
11. ``trust``       – generalised trust from participation and bridging contact
"""

from model.mechanisms import economy, employment, hours, ladder, language, membership, recruitment, trust, youth
from model.mechanisms import organisations as organisations_mechanism
from model.mechanisms import ties as ties_mechanism

# Every mechanism runs during the burn-in too, so month 0 is the steady state the baseline keeps.
# ``demography`` runs first, before the month's interventions (see DugnadModel.step), so that
# every later step of the month sees the same persons in the same rows.
ORDER = (
    ("economy", economy.step),
    ("employment", employment.step),
    ("recruitment", recruitment.step),
    ("youth", youth.step),
    ("membership", membership.step),
    ("ladder", ladder.step),
    ("organisations", organisations_mechanism.step),
    ("hours", hours.step),  # after founding and folding: the month's roles are final
    ("ties", ties_mechanism.step),
    # municipalities act on their own organisations only, so their order does not matter
    ("linking", lambda model: model.municipalities.do("step")),
    ("language", language.step),
    ("trust", trust.step),
)
