"""GasGuard 燃气安全专项整治平台."""
