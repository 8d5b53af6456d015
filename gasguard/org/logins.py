"""The login lockout's answer (django-axes; settings LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES), given alike by the
login page and the API's token endpoint."""
from django.conf import settings
from django.utils.translation import gettext as _


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("登录失败次数过多：该账号在本机已暂停登录 %(minutes)d 分钟，请稍后再试；忘记密码请联系区专班办公室。") % {
        "minutes": minutes}
