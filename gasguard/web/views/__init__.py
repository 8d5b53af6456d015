from .dashboard import home  # noqa: F401
from .hazard import hazard_action, hazard_detail  # noqa: F401
from .inbox import inbox  # noqa: F401
from .ledger import ledger, ledger_export  # noqa: F401
from .photos import photo  # noqa: F401
