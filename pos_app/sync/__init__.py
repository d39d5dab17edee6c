"""Till <-> head-office sync: the Qt-free engine, its ports and the pure event rules."""
