"""Every model module, imported once so the metadata (and Alembic) knows every table."""

from .areas import models as areas  # noqa: F401
from .auth import models as auth  # noqa: F401
from .collection import models as collection  # noqa: F401
from .households import models as households  # noqa: F401
from .participation import models as participation  # noqa: F401
from .wastebank import models as wastebank  # noqa: F401
