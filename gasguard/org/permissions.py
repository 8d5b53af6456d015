"""API permissions shared by every app (the office is an org role)."""
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .roles import can_manage_master_data


class IsOffice(permissions.BasePermission):
    message = _("仅区专班办公室可以执行此操作")

    def has_permission(self, request, view):
        return can_manage_master_data(request.user)


class ReadOnlyOrOffice(permissions.BasePermission):
    message = _("仅区专班办公室可以维护基础数据")

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or can_manage_master_data(request.user)
