from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """A value of a dict-like (a QueryDict, say) by a computed key."""
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def getlist(querydict, key):
    return querydict.getlist(key) if hasattr(querydict, "getlist") else []
