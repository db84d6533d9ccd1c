"""Hosting the dashboard: nginx's configuration (nginx_config) and the stack that runs it (serve)."""
