"""Every model module, imported once so the metadata (and Alembic) knows every table."""

from .analytics import models as analytics  # noqa: F401
from .analytics import signoff as signoff  # noqa: F401
from .areas import models as areas  # noqa: F401
from .auth import models as auth  # noqa: F401
from .collection import models as collection  # noqa: F401
from .common import models as common  # noqa: F401
from .exports import models as exports  # noqa: F401
from .households import models as households  # noqa: F401
from .jobs import changes as jobs  # noqa: F401
from .maps import models as maps  # noqa: F401
from .participation import models as participation  # noqa: F401
from .reminders import models as reminders  # noqa: F401
from .reports import models as reports  # noqa: F401
from .wastebank import models as wastebank  # noqa: F401
