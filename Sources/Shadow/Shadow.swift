// The Shadow stage. See README "Architecture".
enum ShadowModule {}
