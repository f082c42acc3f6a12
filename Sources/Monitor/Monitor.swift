// The Monitor stage. See README "Architecture".
enum MonitorModule {}
