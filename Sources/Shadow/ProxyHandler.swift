import NIOCore
import NIOHTTP1

/// Serves one client connection: forwards each request to a pooled primary connection (body
/// streamed part by part), returns the primary's response unchanged apart from hop-by-hop fields
/// (RFC 9110 §7.6.1), hands a copy of sampled requests to the mirror pool, and records the
/// exchange. `HTTPServerPipelineHandler` in front of it holds pipelined requests back, so exactly
/// one request per client connection is in progress here.
///
/// Backpressure both ways: while the primary connection cannot take more request bytes, the
/// client connection is not read; while the client cannot take more response bytes, the primary
/// connection is not read (NIO's write-buffer watermarks, 32–64 KiB).
///
/// Writes are batched: request parts are flushed to the primary at the end of the request or of
/// a client read burst; response parts are flushed to the client at the end of the response or
/// of a primary read burst.
final class ProxyHandler: ChannelInboundHandler, UpstreamReceiver {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let loop: LoopContext
    private var context: ChannelHandlerContext?
    private var clientActive = true
    private var clientReadingPaused = false
    /// The client's IP address, for `X-Forwarded-For`.
    private var clientAddress = ""
    /// The client's pseudonym for records, computed once per connection.
    private var clientPseudonym: String??

    // The request in progress.
    private var inRequest = false
    private var requestDone = false
    private var responseStarted = false
    private var responseDone = false
    /// The primary failed or answered early: remaining request parts are not forwarded.
    private var primaryDetached = false
    private var clientKeepAlive = true
    private var clientIsHTTP10 = false
    private var isHead = false
    private var upstreamKeepAlive = true
    private var upstream: UpstreamHandler?
    private var pending: [HTTPClientRequestPart] = []
    private var upstreamNeedsFlush = false
    private var clientNeedsFlush = false
    private var start = NIODeadline.uptimeNanoseconds(0)
    private var status = 0
    private var requestBytes = 0
    private var responseBytes = 0
    private var mirrorJob: MirrorJob?
    private var exchange: PendingExchange?

    init(loop: LoopContext) {
        self.loop = loop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientAddress = context.channel.remoteAddress?.ipAddress ?? ""
        loop.stats.clientConnections += 1
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    // MARK: Client → primary

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            requestHead(head)
        case let .body(buffer):
            guard inRequest else { return }
            requestBytes += buffer.readableBytes
            if let job = mirrorJob {
                if job.bodyBytes + buffer.readableBytes > loop.mirrorMaxBodyBytes {
                    mirrorJob = nil
                    loop.stats.mirrorDrops[.bodyTooLarge, default: 0] += 1
                    exchange?.secondaryDone(.failed(.bodyTooLarge))
                } else {
                    job.append(buffer)
                }
            }
            forward(.body(.byteBuffer(buffer)))
        case let .end(trailers):
            guard inRequest else { return }
            requestDone = true
            forward(.end(trailers))
            if upstreamNeedsFlush {
                upstreamNeedsFlush = false
                upstream?.flush()
            }
            if let job = mirrorJob, let mirror = loop.mirror {
                mirrorJob = nil
                job.trailers = trailers
                mirror.submit(job)
            }
            if responseDone { finishRequest() }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if upstreamNeedsFlush {
            upstreamNeedsFlush = false
            upstream?.flush()
        }
        context.fireChannelReadComplete()
    }

    private func requestHead(_ head: HTTPRequestHead) {
        loop.stats.requests += 1
        loop.sequence &+= 1
        loop.activeRequests += 1
        inRequest = true
        requestDone = false
        responseStarted = false
        responseDone = false
        primaryDetached = false
        status = 0
        requestBytes = 0
        responseBytes = 0
        start = .now()
        clientKeepAlive = head.isKeepAlive
        clientIsHTTP10 = head.version.major == 1 && head.version.minor == 0
        isHead = head.method == .HEAD

        var forwarded = head
        let found = HopByHopHeaders.strip(&forwarded.headers)
        if found.wasChunked && !forwarded.headers.contains(name: "content-length") {
            // Re-framed by the encoder as chunked on the next hop.
            forwarded.headers.add(name: "transfer-encoding", value: "chunked")
        }
        appendForwardingHeaders(&forwarded.headers)
        forwarded.version = .http1_1

        let mirrored = loop.mirror != nil && loop.sampler.shouldMirror(loop: loop.index, sequence: loop.sequence)
        if mirrored || loop.sink != nil {
            let record = loop.sink == nil ? nil : RecordBuilder.record(
                for: head, arrival: WallClock.now(), client: pseudonym(), queries: &loop.queries)
            exchange = PendingExchange(loop: loop, record: record, mirrored: mirrored)
        } else {
            exchange = nil
        }
        if mirrored, let mirror = loop.mirror {
            loop.stats.mirrorSampled += 1
            mirrorJob = MirrorJob(head: forwarded, arrived: start, exchange: exchange, pool: mirror)
        } else {
            mirrorJob = nil
        }

        if let connection = loop.primary.takeIdle() {
            attach(connection)
            connection.send(.head(forwarded))
            upstreamNeedsFlush = true
        } else {
            pending.append(.head(forwarded))
            connectPrimary()
        }
    }

    private func appendForwardingHeaders(_ headers: inout HTTPHeaders) {
        if let existing = headers.first(name: "x-forwarded-for") {
            headers.replaceOrAdd(name: "X-Forwarded-For", value: existing + ", " + clientAddress)
        } else {
            headers.add(name: "X-Forwarded-For", value: clientAddress)
        }
        if let via = loop.via {
            if let existing = headers.first(name: "via") {
                headers.replaceOrAdd(name: "Via", value: existing + ", " + via)
            } else {
                headers.add(name: "Via", value: via)
            }
        }
    }

    private func pseudonym() -> String? {
        if let cached = clientPseudonym { return cached }
        let value = clientAddress.isEmpty ? nil : loop.redactor.pseudonymize(client: clientAddress)
        clientPseudonym = .some(value)
        return value
    }

    @inline(__always)
    private func forward(_ part: HTTPClientRequestPart) {
        guard !primaryDetached else { return }
        if let upstream {
            upstream.send(part)
            upstreamNeedsFlush = true
        } else {
            pending.append(part)
        }
    }

    private func connectPrimary() {
        loop.stats.primaryConnectionsOpened += 1
        loop.primary.connector.connect { [self] result in
            switch result {
            case let .success(connection):
                guard clientActive, inRequest, !primaryDetached, upstream == nil else {
                    loop.primary.release(connection)
                    return
                }
                attach(connection)
                for part in pending { connection.send(part) }
                pending.removeAll(keepingCapacity: true)
                connection.flush()
            case .failure:
                pending.removeAll(keepingCapacity: true)
                guard clientActive, inRequest else { return }
                primaryFailed(.connectFailed)
            }
        }
    }

    private func attach(_ connection: UpstreamHandler) {
        upstream = connection
        connection.receiver = self
        if let context, !context.channel.isWritable { connection.setReading(false) }
    }

    /// Stops or resumes reading the client (request-body backpressure).
    private func setClientReading(_ on: Bool) {
        guard clientReadingPaused == on, let context else { return }
        clientReadingPaused = !on
        _ = try? context.channel.syncOptions?.setOption(.autoRead, value: on)
    }

    func upstreamWritabilityChanged(isWritable: Bool) {
        setClientReading(isWritable)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        upstream?.setReading(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    // MARK: Primary → client

    func upstreamRead(_ part: HTTPClientResponsePart) {
        guard let context else { return }
        switch part {
        case var .head(head):
            let code = head.status.code
            let informational = code >= 100 && code < 200 && code != 101
            if !informational {
                status = Int(code)
                upstreamKeepAlive = head.isKeepAlive
            }
            _ = HopByHopHeaders.strip(&head.headers)
            if clientIsHTTP10 {
                head.version = .http1_0
                if clientKeepAlive {
                    let bodiless = isHead || code == 204 || code == 304 || informational
                    if bodiless || head.headers.contains(name: "content-length") {
                        head.headers.add(name: "Connection", value: "keep-alive")
                    } else {
                        clientKeepAlive = false  // an HTTP/1.0 body without length ends at close
                    }
                }
            } else {
                head.version = .http1_1
                if !clientKeepAlive { head.headers.add(name: "Connection", value: "close") }
            }
            if let via = loop.via { head.headers.add(name: "Via", value: via) }
            if !informational { responseStarted = true }
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            clientNeedsFlush = true
        case let .body(buffer):
            responseBytes += buffer.readableBytes
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            clientNeedsFlush = true
        case let .end(trailers):
            responseEnded(trailers, context: context)
        }
    }

    func upstreamReadComplete() {
        if clientNeedsFlush {
            clientNeedsFlush = false
            context?.flush()
        }
    }

    func upstreamClosed() {
        upstream = nil
        guard inRequest, !responseDone else { return }
        primaryFailed(.reset)
    }

    private func responseEnded(_ trailers: HTTPHeaders?, context: ChannelHandlerContext) {
        responseDone = true
        let elapsed = NIODeadline.now() - start
        loop.stats.primaryResponses += 1
        loop.stats.primaryStatusClasses[ShadowStats.statusClass(status)] += 1
        _ = loop.stats.primaryLatencyMicros.record(UInt64(max(1, elapsed.nanoseconds / 1000)))
        exchange?.primaryDone(
            .responded(status: status, latency: Double(elapsed.nanoseconds) / 1e9, bodyBytes: responseBytes),
            requestBytes: requestBytes)
        exchange = nil

        if let connection = upstream {
            upstream = nil
            if requestDone && upstreamKeepAlive {
                loop.primary.release(connection)
            } else {
                connection.close()
            }
        }
        primaryDetached = true
        setClientReading(true)
        let closeAfter = !clientKeepAlive
        clientNeedsFlush = false
        // Finish our state before writing `.end`: the pipelining handler may deliver the next
        // request from inside that write.
        if requestDone { finishRequest() }
        writeEndAndMaybeClose(trailers, closeAfter: closeAfter, context: context)
    }

    private func writeEndAndMaybeClose(_ trailers: HTTPHeaders?, closeAfter: Bool, context: ChannelHandlerContext) {
        if closeAfter {
            context.writeAndFlush(wrapOutboundOut(.end(trailers))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(trailers)), promise: nil)
        }
    }

    /// The primary could not answer: 502 when nothing was sent yet, otherwise cut the client
    /// connection (a half-sent response cannot be completed honestly).
    private func primaryFailed(_ reason: ShadowFailure) {
        guard let context else { return }
        upstream?.close()
        upstream = nil
        primaryDetached = true
        setClientReading(true)
        loop.stats.primaryFailures += 1
        exchange?.primaryDone(.failed(reason), requestBytes: requestBytes)
        exchange = nil
        guard !responseStarted else {
            responseDone = true  // counted as a primary failure, not as a client abort
            context.close(promise: nil)
            return
        }
        loop.stats.badGatewayResponses += 1
        responseStarted = true
        responseDone = true
        var headers = HTTPHeaders([("Content-Length", "0")])
        if !clientKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: clientIsHTTP10 ? .http1_0 : .http1_1, status: .badGateway, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let closeAfter = !clientKeepAlive
        if requestDone { finishRequest() }
        writeEndAndMaybeClose(nil, closeAfter: closeAfter, context: context)
    }

    private func finishRequest() {
        guard inRequest else { return }
        inRequest = false
        loop.activeRequests -= 1
    }

    // MARK: Connection lifecycle

    func channelInactive(context: ChannelHandlerContext) {
        clientActive = false
        pending.removeAll()
        if let connection = upstream {
            upstream = nil
            connection.close()
        }
        if inRequest {
            if let job = mirrorJob {
                // The request never completed: do not mirror a truncated copy.
                mirrorJob = nil
                _ = job
                loop.stats.mirrorDrops[.reset, default: 0] += 1
                exchange?.secondaryDone(.failed(.reset))
            }
            if !responseDone {
                // The client left before its response was complete (not the primary's fault).
                loop.stats.clientAborts += 1
                exchange?.primaryDone(.failed(.reset), requestBytes: requestBytes)
            }
            exchange = nil
            finishRequest()
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
