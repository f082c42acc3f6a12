// The Report stage. See README "Architecture".
enum ReportModule {}
