"""`gasguard check --deploy`: a production audit chain needs its own key, kept outside the database."""
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def audit_key_is_set(app_configs=None, **kwargs):
    if settings.AUDIT_HMAC_KEY:
        return []
    return [Error("未设置 AUDIT_HMAC_KEY：审计链的签名密钥必须由生产环境提供（保存在数据库之外，与备份密钥一同保管）。",
                  hint="例如 AUDIT_HMAC_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')",
                  id="gasguard.audit.E001")]
