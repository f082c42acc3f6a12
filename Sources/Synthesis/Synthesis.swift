// The Synthesis stage. See README "Architecture".
enum SynthesisModule {}
