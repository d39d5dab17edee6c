"""The manager screens, one per module; ui/manager_dialog.py shows them as tabs."""
