"""validate: the pipeline over files and directories (pipeline), the reports in every format
(report/), and the check before signing (signable).

May import: core, catalog, rules, profile, signing.
"""
