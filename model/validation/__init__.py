"""Calibration and pattern-oriented validation against the Norwegian findings (FACTS §2–3).

``targets`` — the targets file and the statistics computed from a run's tables;
``validate`` — ``dugnad validate``: many seeds, one table of targets vs model;
``calibrate`` — ``dugnad calibrate``: Latin-hypercube sampling + ABC rejection of the free parameters;
``report`` — ``docs/VALIDATION.md``.
"""
