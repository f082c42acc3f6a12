import Foundation
import Testing
@testable import Report

@Suite("SVG charts")
struct LineChartTests {
    /// Every number in the SVG's coordinate attributes and path data.
    func coordinates(_ svg: String) -> [Double] {
        var numbers: [Double] = []
        let pattern = try! NSRegularExpression(pattern: "(?:x1|x2|y1|y2|cx|cy|x|y|d)=\"([^\"]*)\"")
        let ns = svg as NSString
        for match in pattern.matches(in: svg, range: NSRange(location: 0, length: ns.length)) {
            let value = ns.substring(with: match.range(at: 1))
            let parts = value.split(whereSeparator: { "MLHVZ, ".contains($0) })
            for part in parts {
                guard let n = Double(part) else {
                    Issue.record("non-numeric coordinate \(part) in \(value)")
                    continue
                }
                numbers.append(n)
            }
        }
        return numbers
    }

    func chart(_ points: [ChartPoint], axis: XAxisKind = .runSeconds) -> LineChart {
        LineChart(title: "t", xAxis: axis, xLabel: "x", yLabel: "y",
                  series: [ChartSeries(name: "s", color: "#000", points: points)])
    }

    @Test("a single point is drawn as a dot at finite coordinates")
    func singlePoint() {
        let out = chart([ChartPoint(x: 5, y: 10)]).render()
        #expect(out.svg.contains("<circle"))
        #expect(out.droppedPoints == 0)
        #expect(coordinates(out.svg).allSatisfy { $0.isFinite })
    }

    @Test("all-zero data gives a finite, non-degenerate axis")
    func allZeros() {
        let out = chart((0..<10).map { ChartPoint(x: Double($0), y: 0) }).render()
        let coords = coordinates(out.svg)
        #expect(!coords.isEmpty && coords.allSatisfy { $0.isFinite })
        #expect(out.dataPaths == 1)
        // The zero line lies on the plot's bottom edge, not in the middle of nowhere.
        #expect(out.svg.contains("<text") && out.svg.contains(">0<"))
    }

    @Test("NaN and infinite values are dropped and counted")
    func nonFinite() {
        let points = [ChartPoint(x: 0, y: 1), ChartPoint(x: 1, y: .nan), ChartPoint(x: 2, y: .infinity),
                      ChartPoint(x: .nan, y: 3), ChartPoint(x: 3, y: 2)]
        let out = chart(points).render()
        #expect(out.droppedPoints == 3)
        #expect(coordinates(out.svg).allSatisfy { $0.isFinite })
        #expect(!out.svg.contains("nan") && !out.svg.contains("inf"))
    }

    @Test("an all-NaN series draws nothing and the report says why")
    func allNaN() {
        let out = chart([ChartPoint(x: 0, y: .nan), ChartPoint(x: 1, y: .nan)]).render()
        #expect(out.droppedPoints == 2 && out.dataPaths == 0)
        #expect(coordinates(out.svg).allSatisfy { $0.isFinite })
        var summary = SampleSummary.make()
        summary.timeline.secondary[3].p99Ms = .nan
        let html = ReportRenderer().render(summary)
        #expect(html.contains("1 value that was not a finite number"))
    }

    @Test("the percentile axis is logarithmic in nines, 100% included")
    func percentileAxis() {
        #expect(PercentileScale.position(0) == 0)
        #expect(abs(PercentileScale.position(90) - 1) < 1e-9)
        #expect(abs(PercentileScale.position(99.9) - 3) < 1e-9)
        #expect(PercentileScale.position(100) == PercentileScale.maxNines)
        let out = chart([ChartPoint(x: 0, y: 1), ChartPoint(x: 99.99, y: 9), ChartPoint(x: 100, y: 30)], axis: .percentile).render()
        #expect(out.svg.contains(">99.9%<") && out.svg.contains(">90%<"))
        #expect(coordinates(out.svg).allSatisfy { $0.isFinite })
    }

    @Test("ticks are round numbers covering the data")
    func ticks() {
        #expect(LinearScale.niceTicks(in: 0...1040, count: 5) == [0, 250, 500, 750, 1000])
        #expect(LinearScale.niceTicks(in: 0...1, count: 4) == [0, 0.25, 0.5, 0.75, 1])
        #expect(NumberFormat.latency(0.85) == "850 µs" && NumberFormat.latency(1250) == "1.25 s")
        #expect(NumberFormat.grouped(1_234_567) == "1,234,567")
        #expect(NumberFormat.clock(95) == "1:35")
    }

    @Test("long series are thinned but keep their extremes")
    func thinning() {
        var points = (0..<10_000).map { ChartPoint(x: Double($0), y: 1) }
        points[4321].y = 500
        let out = chart(points).render()
        let pathCount = out.svg.components(separatedBy: "L").count
        #expect(pathCount < 1300)
        // The spike is kept: some y coordinate is at the top of the plot area.
        #expect(coordinates(out.svg).contains(where: { $0 < 40 }))
    }
}

@Suite("SVG charts, log scale")
struct LogScaleChartTests {
    @Test("a log y axis keeps zeros and spikes finite and labels decades")
    func logAxis() {
        var chart = LineChart(title: "t", xAxis: .runSeconds, xLabel: "x", yLabel: "ms",
                              series: [ChartSeries(name: "s", color: "#000", points: [
                                ChartPoint(x: 0, y: 0), ChartPoint(x: 1, y: 12), ChartPoint(x: 2, y: 2500), ChartPoint(x: 3, y: .nan)])])
        chart.yLog = true
        let out = chart.render()
        #expect(out.droppedPoints == 1 && out.dataPaths == 1)
        #expect(out.svg.contains(">10<") && out.svg.contains(">1000<"))
        #expect(!out.svg.contains("nan") && !out.svg.contains("inf"))
        #expect(LineChart.spansDecades([10, 11, 12, 2500]))
        #expect(!LineChart.spansDecades([10, 11, 12, 40]))
        let two: Double = log10(2), five: Double = log10(5)
        let expected: [Double] = [0, two, five, 1, 1 + two, 1 + five, 2]
        #expect(LineChart.logTicks(in: 0...2) == expected)
    }
}
