import Foundation
import Traffic

extension ProfileBuilder {
    /// The profile of everything observed so far. The builder keeps going (this works on a copy),
    /// so a live feed can take snapshots.
    public func profile(generatedAt: Date = Date()) -> RequestProfile {
        var copy = self
        copy.flush()
        return copy.assemble(generatedAt: generatedAt)
    }

    /// Releases every buffered event and closes every session.
    mutating func flush() {
        reorder.drain(into: &released)
        for item in released { deliver(time: item.time, event: item.element) }
        released.removeAll()
        sessions.finish()
        seriesCells += routeSeries.flush()
    }

    /// Route template aggregation over shapes.
    private struct TemplateAccumulator {
        var name: String
        var count = 0
        var methodCounts: [Int] = []
        var statusCounts: [Int: Int] = [:]
        var requestBytes = LogHistogram()
        var responseBytes = LogHistogram()
        var latency = LogHistogram(scale: 1e6)
        var queryKeyCounts: [Int32: Int] = [:]
        var queryValues: [Int32: ValueSketch] = [:]
        var parameters: [Int: ShapeStats.Parameter] = [:]
        var contentTypes: [String: Int] = [:]
        var examples: [String] = []
        var shapes: [Int] = []
        var seriesDropped = false

        mutating func merge(_ stats: ShapeStats, shape: Int) {
            count += stats.count
            shapes.append(shape)
            if stats.methodCounts.count > methodCounts.count { methodCounts.append(contentsOf: repeatElement(0, count: stats.methodCounts.count - methodCounts.count)) }
            for (i, c) in stats.methodCounts.enumerated() { methodCounts[i] += c }
            for (status, c) in stats.statusCounts { statusCounts[status, default: 0] += c }
            requestBytes.merge(stats.requestBytes)
            responseBytes.merge(stats.responseBytes)
            latency.merge(stats.latency)
            for (key, c) in stats.queryKeyCounts { queryKeyCounts[key, default: 0] += c }
            for (key, sketch) in stats.queryValues {
                if queryValues[key] == nil { queryValues[key] = sketch } else { queryValues[key]!.merge(sketch) }
            }
            for parameter in stats.parameters {
                if parameters[parameter.segment] == nil { parameters[parameter.segment] = parameter } else { parameters[parameter.segment]!.values.merge(parameter.values) }
            }
            for (type, c) in stats.contentTypes { contentTypes[type, default: 0] += c }
            for example in stats.examples where examples.count < 3 && !examples.contains(example) { examples.append(example) }
            seriesDropped = seriesDropped || stats.seriesDropped
        }
    }

    private static func iso(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    private static func weighted(_ counts: [(String, Int)], total: Int) -> [WeightedValue] {
        counts.filter { $0.1 > 0 }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
            .map { WeightedValue(value: $0.0, weight: total > 0 ? Double($0.1) / Double(total) : 0, count: $0.1) }
    }

    mutating func assemble(generatedAt: Date) -> RequestProfile {
        // Widen the step when the history would be too long to write.
        let factor = max(1, (total.count + configuration.maxHistorySteps - 1) / configuration.maxHistorySteps)
        let step = configuration.stepSeconds * Double(factor)
        let wideOrigin = SparseSeries.wide(Int(originStep), factor)
        var wideTotal = [Int](repeating: 0, count: total.isEmpty ? 0 : SparseSeries.wide(Int(originStep) + total.count - 1, factor) - wideOrigin + 1)
        for (index, count) in total.enumerated() { wideTotal[SparseSeries.wide(Int(originStep) + index, factor) - wideOrigin] += count }
        let methodNames = (0..<methods.count).map { methods.string(Int32($0)) }
        let shapeNames = (0..<shapes.count).map { shapes.string(Int32($0)) }

        // 1. Shapes → templates (cardinality cap).
        let observed = (1..<shapeStats.count).filter { shapeStats[$0].count > 0 }.map { (shape: shapeNames[$0], count: shapeStats[$0].count) }
        let mapping = RouteCollapser(maxLiteralChildren: configuration.maxLiteralChildren).collapse(observed)
        var accumulators: [String: TemplateAccumulator] = [:]
        var templateOfShape = [String](repeating: RouteProfile.otherRouteName, count: shapeStats.count)
        for shape in 1..<shapeStats.count where shapeStats[shape].count > 0 {
            let name = shapeNames[shape]
            guard let map = mapping[name] else { continue }
            templateOfShape[shape] = map.template
            var accumulator = accumulators[map.template] ?? TemplateAccumulator(name: map.template)
            accumulator.merge(shapeStats[shape], shape: shape)
            if !map.collapsed.isEmpty {
                let segments = RouteCollapser.segments(name)
                for (segment, parameterName) in map.collapsed {
                    if accumulator.parameters[segment] == nil {
                        accumulator.parameters[segment] = ShapeStats.Parameter(segment: segment, name: parameterName, kind: .text, values: ValueSketch(capacity: configuration.topValues * 2))
                    }
                    accumulator.parameters[segment]!.values.record(segments[segment], weight: shapeStats[shape].count)
                }
            }
            accumulators[map.template] = accumulator
        }
        let ranked = accumulators.values.sorted { $0.count != $1.count ? $0.count > $1.count : $0.name < $1.name }
        let top = Array(ranked.prefix(configuration.topRoutes))
        var other = TemplateAccumulator(name: RouteProfile.otherRouteName)
        if shapeStats[0].count > 0 { other.merge(shapeStats[0], shape: 0) }
        for accumulator in ranked.dropFirst(configuration.topRoutes) {
            for shape in accumulator.shapes { other.merge(shapeStats[shape], shape: shape) }
        }
        other.parameters = [:]
        other.examples = []
        var stateOfTemplate: [String: Int] = [:]
        for (index, accumulator) in top.enumerated() { stateOfTemplate[accumulator.name] = index }
        let otherState = top.count
        let stateNames = top.map(\.name) + [RouteProfile.otherRouteName]
        let stateOfShape = templateOfShape.map { stateOfTemplate[$0] ?? otherState }

        // 2. Route profiles.
        var credentialKeys = Set<String>()
        func routeProfile(_ accumulator: TemplateAccumulator) -> RouteProfile {
            let methods = Self.weighted(accumulator.methodCounts.enumerated().map { (methodNames[$0.offset], $0.element) }, total: accumulator.count)
            let statuses = Self.weighted(accumulator.statusCounts.map { ($0.key >= 0 ? String($0.key) : "unknown", $0.value) }, total: accumulator.count)
            var queryKeys: [QueryKeyProfile] = []
            for (key, count) in accumulator.queryKeyCounts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(32) {
                let credential = queryKeyIsCredential[Int(key)]
                let name = queryKeys_string(key)
                if credential { credentialKeys.insert(name) }
                queryKeys.append(QueryKeyProfile(
                    key: name, frequency: Double(count) / Double(max(accumulator.count, 1)), credential: credential,
                    values: credential ? nil : accumulator.queryValues[key].map { $0.model(limit: configuration.topValues) }))
            }
            let parameters = accumulator.parameters.values.sorted { $0.segment < $1.segment }.map { parameter -> ParameterModel in
                let kind: String
                switch parameter.kind {
                case .integer: kind = "integer"
                case .uuid: kind = "uuid"
                case .hex: kind = "hex"
                case .date: kind = "date"
                case .token: kind = "token"
                case .text: kind = "text"
                }
                return ParameterModel(name: parameter.name, segment: parameter.segment, kind: kind, values: parameter.values.model(limit: configuration.topValues))
            }
            let contentType = accumulator.contentTypes.max { $0.value < $1.value }?.key ?? ContentTypes.guess(path: accumulator.name)
                ?? accumulator.examples.first.flatMap { ContentTypes.guess(path: $0) }
            return RouteProfile(
                route: accumulator.name, count: accumulator.count, share: requests > 0 ? Double(accumulator.count) / Double(requests) : 0,
                methods: methods, statuses: statuses, requestBytes: accumulator.requestBytes.summary(),
                responseBytes: accumulator.responseBytes.summary(), latencySeconds: accumulator.latency.summary(),
                queryKeys: queryKeys, parameters: parameters, contentType: contentType, examples: accumulator.examples)
        }
        let routes = top.map(routeProfile)
        let otherRoute: RouteProfile? = other.count > 0 ? routeProfile(other) : nil
        for key in 0..<queryKeys.count where queryKeyIsCredential[key] { credentialKeys.insert(queryKeys.string(Int32(key))) }

        // 3. History.
        var routeSeries: [HistorySeries.RouteSeries] = []
        var otherCounts = wideTotal
        var approximate = seriesApproximate
        var rowOfShape = [Int](repeating: -1, count: shapeStats.count)
        for (row, accumulator) in top.enumerated() {
            for shape in accumulator.shapes where !shapeStats[shape].seriesDropped { rowOfShape[shape] = row }
        }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: wideTotal.count), count: top.count)
        self.routeSeries.accumulate(into: &rows, row: rowOfShape, origin: wideOrigin, factor: factor)
        for (row, accumulator) in top.enumerated() {
            let dense = rows[row]
            for i in 0..<dense.count { otherCounts[i] -= dense[i] }
            if accumulator.seriesDropped { approximate = true }
            routeSeries.append(.init(route: accumulator.name, counts: dense))
        }
        let startEpoch = Double(wideOrigin) * step
        let history = HistorySeries(
            start: Self.iso(startEpoch), startEpochSeconds: startEpoch, stepSeconds: step, total: wideTotal,
            routes: routeSeries, other: otherCounts.map { max(0, $0) }, approximate: approximate)

        // 4. Mixes.
        let methodMix = Self.weighted(methodCounts.enumerated().map { (methodNames[$0.offset], $0.element) }, total: requests)
        let classNames = ["unknown", "1xx", "2xx", "3xx", "4xx", "5xx"]
        let statusMix = Self.weighted(statusClassCounts.enumerated().map { (classNames[$0.offset], $0.element) }, total: requests)
        var familyCounts = overflowAgentFamilies
        var agentRows: [(String, Int)] = []
        for id in 0..<agentCounts.count {
            let agent = agents.string(Int32(id))
            familyCounts[UserAgentClassifier.family(of: agent), default: 0] += agentCounts[id]
            agentRows.append((agent, agentCounts[id]))
        }
        let topAgents = Self.weighted(agentRows, total: requests).prefix(configuration.topAgents).map {
            UserAgentDistribution.Agent(agent: $0.value, family: UserAgentClassifier.family(of: $0.value), weight: $0.weight, count: $0.count)
        }
        let userAgents = UserAgentDistribution(
            families: Self.weighted(familyCounts.map { ($0.key, $0.value) }, total: requests), top: Array(topAgents),
            otherWeight: max(0, 1 - topAgents.reduce(0) { $0 + $1.weight }))
        let geo = GeoDistribution(
            source: countrySource,
            countries: Self.weighted((0..<countryCounts.count).map { (countries.string(Int32($0)).uppercased(), countryCounts[$0]) }, total: requests),
            unknownWeight: requests > 0 ? Double(unknownCountry) / Double(requests) : 0)
        let denominator = Double(max(requests, 1))
        let timeMix = TimeMix(
            hourOfDay: hourCounts.map { Double($0) / denominator }, dayOfWeek: dayCounts.map { Double($0) / denominator },
            dayHour: dayHourCounts.map { Double($0) / denominator })

        // 5. Sessions: shape-level counts folded onto states (top routes + other).
        var entryCounts = [Int](repeating: 0, count: stateNames.count)
        for (shape, count) in sessions.entries.enumerated() where count > 0 { entryCounts[stateOfShape[shape]] += count }
        var fromCounts = [Int](repeating: 0, count: stateNames.count)
        for (shape, count) in sessions.fromCounts.enumerated() where count > 0 { fromCounts[stateOfShape[shape]] += count }
        var exitCounts = [Int](repeating: 0, count: stateNames.count)
        for (shape, count) in sessions.exits.enumerated() where count > 0 { exitCounts[stateOfShape[shape]] += count }
        var transitionCounts = [[Int]](repeating: [Int](repeating: 0, count: stateNames.count), count: stateNames.count)
        for (pair, count) in sessions.transitions {
            let from = stateOfShape[Int(Int32(bitPattern: UInt32(pair >> 32)))]
            let to = stateOfShape[Int(Int32(bitPattern: UInt32(pair & 0xFFFF_FFFF)))]
            transitionCounts[from][to] += count
        }
        var transitions: [SessionModel.Transition] = []
        for state in 0..<stateNames.count where fromCounts[state] > 0 {
            let rows = transitionCounts[state].enumerated().map { (stateNames[$0.offset], $0.element) }
            transitions.append(.init(
                from: stateNames[state], count: fromCounts[state], next: Self.weighted(rows, total: fromCounts[state]),
                exit: Double(exitCounts[state]) / Double(fromCounts[state])))
        }
        var starts = [Int](repeating: 0, count: wideTotal.count)
        sessions.starts.accumulate(into: &starts, origin: wideOrigin, factor: factor)
        let span = maxTime > minTime ? maxTime - minTime : step
        let sessionModel = SessionModel(
            key: configuration.redactor.clientPolicyName == "drop" && sessionKeyKind == "client+agent" ? "agent" : sessionKeyKind,
            inactivityGapSeconds: configuration.inactivityGapSeconds, sessions: sessions.sessions,
            startRatePerSecond: Double(sessions.sessions) / span, startsPerStep: starts,
            requestsPerSession: sessions.requestsPerSession.summary(), thinkTimeSeconds: sessions.thinkTimes.summary(),
            durationSeconds: sessions.durations.summary(),
            entry: Self.weighted(entryCounts.enumerated().map { (stateNames[$0.offset], $0.element) }, total: sessions.sessions),
            transitions: transitions)

        // 6. Provenance and totals.
        let withheld = routes.reduce(0) { sum, route in
            sum + route.parameters.reduce(0) { $0 + $1.values.withheld } + route.queryKeys.reduce(0) { $0 + ($1.values?.withheld ?? 0) }
        }
        let provenance = Provenance(
            sources: sources, totalLines: sources.reduce(0) { $0 + $1.lines }, parsedLines: sources.reduce(0) { $0 + $1.parsed },
            skippedLines: sources.reduce(0) { $0 + $1.skipped }, lateRecords: reorder.late,
            reorderWindowSeconds: configuration.reorderWindowSeconds,
            start: requests > 0 ? Self.iso(minTime) : nil, end: requests > 0 ? Self.iso(maxTime) : nil,
            redaction: .init(
                clients: configuration.redactor.clientPolicyName,
                droppedHeaders: Redactor.secretHeaders.sorted(), redactedQueryKeys: credentialKeys.sorted(),
                withheldSecretLikeValues: withheld),
            generatedAt: Self.iso(generatedAt.timeIntervalSince1970), generator: configuration.generator,
            outOfRangeRecords: outOfRangeTimes > 0 ? outOfRangeTimes : nil)
        let totals = Totals(
            requests: requests, distinctRoutes: accumulators.count + (shapeStats[0].count > 0 ? 1 : 0),
            distinctPaths: paths.count, distinctPathsCapped: paths.count >= configuration.maxPaths,
            distinctUserAgents: agents.count, distinctClients: clients.count,
            meanRatePerSecond: requests > 0 ? Double(requests) / max(maxTime - minTime, 1) : 0,
            peakPerStep: wideTotal.max() ?? 0)
        return RequestProfile(
            provenance: provenance, stepSeconds: step, history: history, forecast: nil, totals: totals, routes: routes,
            other: otherRoute, methods: methodMix, statusClasses: statusMix, userAgents: userAgents, geo: geo,
            timeMix: timeMix, sessions: sessionModel)
    }

    private func queryKeys_string(_ key: Int32) -> String { queryKeys.string(key) }
}
