from .dashboard import home  # noqa: F401
from .inbox import inbox  # noqa: F401
