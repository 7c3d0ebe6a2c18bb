"""User-facing entry points: the command line (`apps.cli`) and the web app (`apps.web`)."""
