import Foundation

/// An SVG line chart: axes with ticks and labels, filled bands, lines, vertical markers.
///
/// The SVG scales to its container's width (`viewBox`, no fixed size). Points with a NaN or
/// infinite coordinate are left out and counted in ``Rendered/droppedPoints``, so every
/// coordinate written is finite; a series of a single point is drawn as a dot.
struct LineChart: Sendable {
    var title: String
    var xAxis: XAxisKind
    var xLabel: String
    var yLabel: String
    var yFormat: @Sendable (Double) -> String = NumberFormat.compact
    var series: [ChartSeries] = []
    var bands: [ChartBand] = []
    var markers: [ChartMarker] = []
    var yIncludesZero = true
    /// Logarithmic y axis (for latencies spanning decades); values ≤ 0 sit on the floor.
    var yLog = false
    var width = 960.0
    var height = 300.0
    /// The small-screen variant: narrower geometry, larger text, fewer ticks.
    var compact = false
    /// Series longer than this are thinned to min/max pairs per pixel bucket.
    var maxPointsPerSeries = 1200

    struct Rendered {
        var svg: String
        /// Points left out because a coordinate was NaN or infinite.
        var droppedPoints: Int
        /// Number of `<path>` elements drawn for data (lines and bands).
        var dataPaths: Int
    }

    private var fontScale: Double { compact ? 1.3 : 1 }
    private var margin: (top: Double, right: Double, bottom: Double, left: Double) {
        compact ? (22, 26, 56, 74) : (18, 24, 46, 64)
    }

    /// The same chart for small screens: 520 units wide, so its text stays legible on a phone.
    func compactVariant() -> LineChart {
        var chart = self
        chart.compact = true
        chart.width = 520
        chart.height = (height * 0.9).rounded()
        chart.maxPointsPerSeries = min(maxPointsPerSeries, 600)
        return chart
    }

    func render() -> Rendered {
        var dropped = 0
        func clean(_ points: [ChartPoint]) -> [ChartPoint] {
            var kept: [ChartPoint] = []
            kept.reserveCapacity(points.count)
            for p in points {
                var q = p
                if xAxis == .percentile, q.x.isFinite { q.x = PercentileScale.position(q.x) }
                if q.isFinite { kept.append(q) } else { dropped += 1 }
            }
            return kept
        }
        let finiteLines = series.map { s -> ChartSeries in var c = s; c.points = thin(clean(s.points)); return c }
        let finiteBands = bands.map { b -> ChartBand in
            var c = b
            // A band needs both edges at each x: drop pairs where either edge is not finite.
            var lower: [ChartPoint] = [], upper: [ChartPoint] = []
            for (l, u) in zip(b.lower, b.upper) {
                let lc = clean([l]), uc = clean([u])
                if let l = lc.first, let u = uc.first { lower.append(l); upper.append(u) }
            }
            c.lower = lower
            c.upper = upper
            return c
        }
        let (lines, cleanBands, logFloor) = yLog ? logTransform(finiteLines, finiteBands) : (finiteLines, finiteBands, 1)
        let cleanMarkers = markers.filter { m in
            if m.x.isFinite { return true }
            dropped += 1
            return false
        }

        let xs = lines.flatMap { $0.points.map(\.x) } + cleanBands.flatMap { $0.lower.map(\.x) }
        let ys = lines.flatMap { $0.points.map(\.y) } + cleanBands.flatMap { $0.lower.map(\.y) + $0.upper.map(\.y) }
        var xDomain = LinearScale.domain(covering: xs + cleanMarkers.map(\.x), includeZero: xAxis == .percentile, padTop: 0)
        if xAxis == .percentile {
            xDomain = 0...max(xDomain.upperBound.rounded(.up), 2)
        }
        let yDomain: ClosedRange<Double>
        let yTicks: [Double]
        let yLabelFor: (Double) -> String
        if yLog {
            let lo = (ys.min() ?? log10(logFloor)).rounded(.down)
            let top = ys.max() ?? lo + 1
            let hi = max(top + 0.05 * (top - lo), lo + 1)
            yDomain = lo...hi
            yTicks = Self.logTicks(in: yDomain)
            let format = yFormat
            yLabelFor = { format(pow(10, $0)) }
        } else {
            let yDomainRaw = LinearScale.domain(covering: ys, includeZero: yIncludesZero)
            yTicks = LinearScale.niceTicks(in: yDomainRaw, count: 5)
            yDomain = yDomainRaw.lowerBound...max(yDomainRaw.upperBound, yTicks.last ?? yDomainRaw.upperBound)
            yLabelFor = yFormat
        }

        let plotLeft = margin.left, plotRight = width - margin.right
        let plotTop = margin.top, plotBottom = height - margin.bottom
        let x = LinearScale(domain: xDomain, range: plotLeft...plotRight)
        let y = LinearScale(domain: yDomain, range: plotTop...plotBottom, inverted: true)

        var svg = ""
        svg += "<svg class=\"chart \(compact ? "compact" : "wide")\" viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(HTML.escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTML.escape(title))</title>"

        // Grid and y ticks.
        svg += "<g class=\"grid\">"
        for tick in yTicks where yDomain.contains(tick) {
            let py = y(tick)
            svg += "<line x1=\"\(f(plotLeft))\" x2=\"\(f(plotRight))\" y1=\"\(f(py))\" y2=\"\(f(py))\"/>"
        }
        svg += "</g><g class=\"axis y-axis\">"
        for tick in yTicks where yDomain.contains(tick) {
            svg += "<text x=\"\(f(plotLeft - 8))\" y=\"\(f(y(tick) + 4 * fontScale))\" text-anchor=\"end\">\(HTML.escape(yLabelFor(tick)))</text>"
        }
        svg += "<text class=\"axis-label\" transform=\"translate(\(f(14 * fontScale)) \(f((plotTop + plotBottom) / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>"
        svg += "</g>"

        // X ticks.
        svg += "<g class=\"axis x-axis\">"
        svg += "<line class=\"baseline\" x1=\"\(f(plotLeft))\" x2=\"\(f(plotRight))\" y1=\"\(f(plotBottom))\" y2=\"\(f(plotBottom))\"/>"
        for tick in xTicks(xDomain) {
            let px = x(tick.value)
            svg += "<line class=\"tick\" x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(plotBottom))\" y2=\"\(f(plotBottom + 5))\"/>"
            svg += "<text x=\"\(f(px))\" y=\"\(f(plotBottom + 19 * fontScale))\" text-anchor=\"\(px > plotRight - 24 ? "end" : "middle")\">\(HTML.escape(tick.label))</text>"
        }
        svg += "<text class=\"axis-label\" x=\"\(f((plotLeft + plotRight) / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        svg += "</g>"

        // Data.
        var dataPaths = 0
        svg += "<g class=\"data\">"
        for band in cleanBands where !band.lower.isEmpty {
            let upperPath = band.upper.map { "\(f(x($0.x))),\(f(y($0.y)))" }
            let lowerPath = band.lower.reversed().map { "\(f(x($0.x))),\(f(y($0.y)))" }
            svg += "<path class=\"band\" d=\"M\(upperPath.joined(separator: "L"))L\(lowerPath.joined(separator: "L"))Z\" fill=\"\(band.color)\" fill-opacity=\"0.18\" stroke=\"none\"><title>\(HTML.escape(band.name))</title></path>"
            dataPaths += 1
        }
        for line in lines where !line.points.isEmpty {
            let dash = line.stroke.dashArray.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            if line.points.count == 1, let p = line.points.first {
                svg += "<circle class=\"dot\" cx=\"\(f(x(p.x)))\" cy=\"\(f(y(p.y)))\" r=\"4\" fill=\"\(line.color)\"><title>\(HTML.escape(line.name))</title></circle>"
                continue
            }
            var d = ""
            for (i, p) in line.points.enumerated() {
                if i == 0 {
                    d += "M\(f(x(p.x))),\(f(y(p.y)))"
                } else if line.stepped {
                    d += "H\(f(x(p.x)))V\(f(y(p.y)))"
                } else {
                    d += "L\(f(x(p.x))),\(f(y(p.y)))"
                }
            }
            if line.stepped, let last = line.points.last, xDomain.upperBound > last.x {
                d += "H\(f(x(xDomain.upperBound)))"
            }
            svg += "<path class=\"line\" d=\"\(d)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(f(line.width))\"\(dash) stroke-linejoin=\"round\" stroke-linecap=\"round\"><title>\(HTML.escape(line.name))</title></path>"
            dataPaths += 1
        }
        svg += "</g>"

        // Markers, labels staggered so neighbours do not overlap.
        if !cleanMarkers.isEmpty {
            svg += "<g class=\"markers\">"
            var lastLabelEnd = [-Double.infinity, -Double.infinity]
            for marker in cleanMarkers.sorted(by: { $0.x < $1.x }) {
                let px = x(marker.x)
                svg += "<line x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(plotTop))\" y2=\"\(f(plotBottom))\" stroke=\"\(marker.color)\" stroke-dasharray=\"3 3\"><title>\(HTML.escape(marker.label))</title></line>"
                let labelWidth = Double(marker.label.count) * 6.2 * fontScale + 6
                let anchorEnd = px + labelWidth > plotRight
                let left = anchorEnd ? px - labelWidth : px
                // Two staggered rows of labels; a label that fits in neither is left to the line's tooltip.
                guard let row = [0, 1].first(where: { left >= lastLabelEnd[$0] }) else { continue }
                let textX = anchorEnd ? px - 4 : px + 4
                svg += "<text class=\"marker-label\" x=\"\(f(textX))\" y=\"\(f(plotTop + (11 + Double(row) * 13) * fontScale))\" text-anchor=\"\(anchorEnd ? "end" : "start")\" fill=\"\(marker.color)\">\(HTML.escape(marker.label))</text>"
                lastLabelEnd[row] = anchorEnd ? px + 2 : px + labelWidth
            }
            svg += "</g>"
        }
        svg += "</svg>"
        return Rendered(svg: svg, droppedPoints: dropped, dataPaths: dataPaths)
    }

    private func xTicks(_ domain: ClosedRange<Double>) -> [(value: Double, label: String)] {
        switch xAxis {
        case .runSeconds:
            let span = domain.upperBound - domain.lowerBound
            let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200]
            let step = steps.first(where: { span / $0 <= (compact ? 5 : 10) }) ?? LinearScale.niceStep(span: span, count: 8)
            var v = ceil(domain.lowerBound / step) * step
            var out: [(Double, String)] = []
            while v <= domain.upperBound + 1e-9, out.count < 40 {
                out.append((v, NumberFormat.clock(v)))
                v += step
            }
            return out
        case .wallClock:
            return WallClockTicks.ticks(in: domain, maxCount: compact ? 4 : 8)
        case .percentile:
            return PercentileScale.ticks(upTo: domain.upperBound).map { ($0.position, $0.label) }
        }
    }

    /// log10 of every y value; values ≤ 0 are raised to the floor (half the smallest positive value).
    private func logTransform(_ lines: [ChartSeries], _ bands: [ChartBand]) -> ([ChartSeries], [ChartBand], Double) {
        let positives = lines.flatMap { $0.points.map(\.y) } + bands.flatMap { $0.lower.map(\.y) + $0.upper.map(\.y) }
        let floor = (positives.filter { $0 > 0 }.min() ?? 1) / 2
        func t(_ p: [ChartPoint]) -> [ChartPoint] { p.map { ChartPoint(x: $0.x, y: log10(max($0.y, floor))) } }
        return (lines.map { var c = $0; c.points = t(c.points); return c },
                bands.map { var c = $0; c.lower = t(c.lower); c.upper = t(c.upper); return c }, floor)
    }

    /// 1, 2, 5 × 10ⁿ inside a domain of decades (log10 units); only powers of ten when it spans many.
    static func logTicks(in domain: ClosedRange<Double>) -> [Double] {
        let decades = domain.upperBound - domain.lowerBound
        let multipliers: [Double] = decades > 3 ? [1] : [1, 2, 5]
        var ticks: [Double] = []
        var exponent = domain.lowerBound.rounded(.down)
        while exponent <= domain.upperBound {
            for m in multipliers {
                let v = exponent + log10(m)
                if v >= domain.lowerBound - 1e-9 && v <= domain.upperBound + 1e-9 { ticks.append(v) }
            }
            exponent += 1
        }
        return ticks
    }

    /// Whether values span so many decades that a linear axis would flatten most of them:
    /// the largest is more than `ratio` times the median of the positive values.
    static func spansDecades(_ values: [Double], ratio: Double = 25) -> Bool {
        let positive = values.filter { $0.isFinite && $0 > 0 }.sorted()
        guard positive.count >= 2, let top = positive.last else { return false }
        return top / positive[positive.count / 2] > ratio
    }

    /// Keeps long series drawable: one min and one max point per x bucket, in x order.
    private func thin(_ points: [ChartPoint]) -> [ChartPoint] {
        guard points.count > maxPointsPerSeries else { return points }
        let buckets = maxPointsPerSeries / 2
        let per = Double(points.count) / Double(buckets)
        var out: [ChartPoint] = []
        out.reserveCapacity(maxPointsPerSeries)
        for b in 0..<buckets {
            let start = Int(Double(b) * per), end = min(points.count, Int(Double(b + 1) * per))
            guard start < end else { continue }
            let slice = points[start..<end]
            guard let lo = slice.min(by: { $0.y < $1.y }), let hi = slice.max(by: { $0.y < $1.y }) else { continue }
            if lo.x <= hi.x { out.append(lo); if hi != lo { out.append(hi) } } else { out.append(hi); out.append(lo) }
        }
        return out
    }

    /// A coordinate with at most two decimals; never NaN (callers map only finite values).
    private func f(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        return String(rounded)
    }
}
