"""Demography: who is born, who dies, who lives with whom, who arrives and who leaves.

- :mod:`.rates` – the life table, fertility by origin group and emigration by origin group
  (data files in ``model/data``, each with its source and caveat).
- :mod:`.life_course` – one step of births, deaths, leaving home, couples and separations, on any
  population that implements :class:`.life_course.Population` (the model's stores, or the light
  skeleton the population builder starts from).
- :mod:`.migration` – emigration by origin group, arrivals that keep each group at its size, the
  household a newcomer arrives with, family reunification after refugees.
- :mod:`.skeleton` – the initial population: ages from the life table, households and immigrant
  residence from the same rules, settled by a spin-up of the life course.

Statistics Norway's categories: *immigrants* are born abroad to foreign-born parents;
*Norwegian-born to immigrant parents* (descendants) are born in Norway to two immigrant parents;
everyone else, including children of descendants and of one Norwegian-born parent, is the rest of
the population (the model's "majority").
"""
