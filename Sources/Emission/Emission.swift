// The Emission stage. See README "Architecture".
enum EmissionModule {}
