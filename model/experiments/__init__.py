"""Experiments: many runs of many scenarios — sweeps on Dask, paired comparisons with uncertainty and
cost, global sensitivity analysis (issue 5).

``definition`` — experiment files (TOML in ``experiments/``), validated;
``runner`` — one run in a worker: the tidy tables an experiment keeps;
``store`` — the partitioned Parquet store, written atomically, resumable, queryable (DuckDB/pandas);
``sweep`` — ``dugnad sweep``: runs on a Dask cluster (embedded LocalCluster by default);
``compare`` — ``dugnad compare``: effects, cost-effectiveness, incidence, plots, report;
``sensitivity`` — ``dugnad sensitivity``: SALib Morris / Sobol.
"""
