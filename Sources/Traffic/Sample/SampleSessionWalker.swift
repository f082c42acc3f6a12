import Foundation

/// Walks one sample session through the shop's pages and appends its requests.
struct SampleSessionWalker {
    let configuration: SampleTrafficConfiguration
    private let productCDF: [Double]

    init(configuration: SampleTrafficConfiguration) {
        self.configuration = configuration
        // Product popularity: Zipf(1.1) over 5,000 products.
        var cumulative: [Double] = []
        cumulative.reserveCapacity(5_000)
        var sum = 0.0
        for rank in 1...5_000 {
            sum += 1 / pow(Double(rank), 1.1)
            cumulative.append(sum)
        }
        productCDF = cumulative.map { $0 / sum }
    }

    mutating func startSession(
        index: UInt32, at start: Double, inFlashSale: Bool, random: inout SeededRandom,
        into events: inout [SampleTrafficGenerator.Event]
    ) -> SampleTrafficGenerator.Session {
        let family = SampleAgentFamily.all[random.nextIndex(weights: SampleAgentFamily.all.map(\.weight))]
        let agent = family.agents[Int(random.next() % UInt64(family.agents.count))]
        let country = random.nextIndex(weights: SampleCountry.all.map(\.weight))
        let session = SampleTrafficGenerator.Session(
            agent: agent, country: country,
            address: (UInt8(truncatingIfNeeded: random.next()), UInt8(truncatingIfNeeded: random.next() | 1)),
            user: Int32(1 + random.next() % 90_000))

        var page: SamplePage
        switch family.kind {
        case .bot: page = random.nextUnit() < 0.5 ? .category : .product
        case .tool: page = random.nextUnit() < 0.6 ? .recommendations : .product
        case .desktop, .mobile:
            page = inFlashSale && random.nextUnit() < 0.7
                ? .product
                : [SamplePage.home, .search, .category, .product, .login][random.nextIndex(weights: [0.40, 0.15, 0.15, 0.25, 0.05])]
        }
        var t = start
        var referrer: Int8 = -1
        var parameter = sampleParameter(for: page, inFlashSale: inFlashSale, random: &random)
        let browser = family.kind == .desktop || family.kind == .mobile
        for step in 0..<60 {
            events.append(makeEvent(page: page, parameter: parameter, time: t, session: index, referrer: referrer, inFlashSale: inFlashSale, random: &random))
            if step == 0 && browser {
                events.append(makeEvent(page: .asset, parameter: 0, time: t + 0.05, session: index, referrer: Int8(page.rawValue), inFlashSale: false, random: &random))
            }
            var weights = page.transitions
            if family.kind == .bot { weights = botTransitions(from: page) }
            if family.kind == .tool { weights[weights.count - 1] += 2 }
            if inFlashSale && page == .product { weights[SamplePage.addToCart.rawValue] += 0.6 }
            if inFlashSale && page == .cart { weights[SamplePage.checkout.rawValue] += 0.8 }
            let next = random.nextIndex(weights: weights)
            guard next < SamplePage.allCases.count, let nextPage = SamplePage(rawValue: next) else { break }
            referrer = Int8(page.rawValue)
            if nextPage != .addToCart && nextPage != .reviews {
                parameter = sampleParameter(for: nextPage, inFlashSale: inFlashSale, random: &random)
            }
            page = nextPage
            t += family.kind == .bot ? random.nextLogNormal(median: 1.5, sigma: 0.5) : random.nextLogNormal(median: 7, sigma: 1.0)
        }
        return session
    }

    private func botTransitions(from page: SamplePage) -> [Double] {
        var weights = [Double](repeating: 0, count: SamplePage.allCases.count + 1)
        weights[SamplePage.category.rawValue] = page == .category ? 0.2 : 0.3
        weights[SamplePage.product.rawValue] = 0.6
        weights[weights.count - 1] = 0.08
        return weights
    }

    private func sampleParameter(for page: SamplePage, inFlashSale: Bool, random: inout SeededRandom) -> Int32 {
        switch page {
        case .product, .reviews, .addToCart:
            if inFlashSale, let sale = configuration.flashSale, random.nextUnit() < 0.6 { return Int32(sale.hotProduct) }
            let u = random.nextUnit()
            var low = 0, high = productCDF.count - 1
            while low < high {
                let mid = (low + high) / 2
                if productCDF[mid] < u { low = mid + 1 } else { high = mid }
            }
            return Int32(low + 1)
        case .search: return Int32(random.next() % UInt64(SampleVocabulary.searchTerms.count * 3))
        case .category: return Int32(random.next() % UInt64(SampleVocabulary.categories.count))
        default: return 0
        }
    }

    private func makeEvent(
        page: SamplePage, parameter: Int32, time: Double, session: UInt32, referrer: Int8,
        inFlashSale: Bool, random: inout SeededRandom
    ) -> SampleTrafficGenerator.Event {
        var status: UInt16
        switch page {
        case .addToCart: status = 201
        case .login: status = 302
        default: status = 200
        }
        let u = random.nextUnit()
        if page == .product && u < 0.02 { status = 404 }
        if page == .checkout && u < 0.01 { status = 402 }
        if u > 0.998 { status = 500 }
        if inFlashSale && (page == .checkout || page == .addToCart || page == .cart) && u > 0.96 { status = 503 }
        var bytes = page.medianResponseBytes
        if bytes > 0 && page != .asset { bytes = random.nextLogNormal(median: bytes, sigma: 0.35) }
        if status == 404 || status == 503 || status == 500 { bytes = 0.0 + Double(150 + random.next() % 60) }
        return SampleTrafficGenerator.Event(
            time: time, session: session, page: UInt8(page.rawValue), referrer: referrer, status: status,
            parameter: parameter, responseBytes: UInt32(bytes.rounded()))
    }
}
