"""The REST API: Chalice blueprints for admins and source applications, bearer-token auth, JSON errors."""
