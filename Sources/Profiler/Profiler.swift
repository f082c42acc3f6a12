// The Profiler stage. See README "Architecture".
enum ProfilerModule {}
