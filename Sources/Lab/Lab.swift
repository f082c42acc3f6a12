// The Lab stage. See README "Architecture".
enum LabModule {}
