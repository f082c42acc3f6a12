// The Forecast stage. See README "Architecture".
enum ForecastModule {}
