"""The `pos` command line (entry points, outside the core): pos_cli/main.py has the commands,
pos_cli/sync.py `pos sync`. Each command opens its till through the composition root
(wiring/)."""
