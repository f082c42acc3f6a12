// The Autoscale stage. See README "Architecture".
enum AutoscaleModule {}
