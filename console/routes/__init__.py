"""The console's routers, one per resource; `create_app` includes them in this order.

Every router but `auth.public` depends on `deps.csrf_protected`: login required, and the CSRF
token on every POST.
"""
