// The embedding API: one import for other Swift packages.
@_exported import Autoscale
@_exported import Emission
@_exported import Forecast
@_exported import Lab
@_exported import Monitor
@_exported import Profiler
@_exported import Report
@_exported import Shadow
@_exported import Synthesis
@_exported import Telemetry
@_exported import Traffic
