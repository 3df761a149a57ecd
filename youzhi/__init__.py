"""youzhi (优质): design-stage reliability and robust optimization.

Subpackages
-----------
qfd          House of Quality and Kano classification.
fta          Fault trees: Open-PSA MEF, BDD, minimal cut sets, importance.
reliability  Monte Carlo and FORM/SORM reliability, life data, system MTBF.
optimize     Robust optimization, RBDO, sensitivity, tolerances.
workflow     Study files that chain the stages into one report.

Importing ``youzhi`` is cheap: numba and the kernels load when first used.
"""

__version__ = "0.1.0"

from youzhi.errors import YouzhiError

__all__ = ["__version__", "YouzhiError"]
