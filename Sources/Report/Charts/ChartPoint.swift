/// A point in data coordinates.
struct ChartPoint: Sendable, Equatable {
    var x: Double
    var y: Double

    var isFinite: Bool { x.isFinite && y.isFinite }
}

/// How a series is stroked.
enum StrokeStyle: Sendable, Equatable {
    case solid
    case dashed
    case dotted

    var dashArray: String? {
        switch self {
        case .solid: nil
        case .dashed: "7 4"
        case .dotted: "2 3"
        }
    }
}

/// A named line on a chart.
struct ChartSeries: Sendable {
    var name: String
    var color: String
    var stroke: StrokeStyle = .solid
    var width: Double = 2
    /// Draw as a step function (value holds until the next point), e.g. instance counts.
    var stepped: Bool = false
    var points: [ChartPoint]
}

/// A filled band between a lower and an upper line sharing x values.
struct ChartBand: Sendable {
    var name: String
    var color: String
    var lower: [ChartPoint]
    var upper: [ChartPoint]
}

/// A vertical marker at an x position (scenario event, scaling action).
struct ChartMarker: Sendable {
    var x: Double
    var label: String
    var color: String
}
