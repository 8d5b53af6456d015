from gasguard.org.choices import Role


def navigation(request):
    user = getattr(request, "user", None)
    can_import = bool(user and user.is_authenticated and (user.is_superuser or user.role in (Role.OFFICE,
                                                                                                Role.JURISDICTION)))
    return {"nav_can_import": can_import}
