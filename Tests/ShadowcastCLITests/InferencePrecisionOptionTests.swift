import ArgumentParser
import Forecast
import Testing
@testable import shadowcast

@Suite("forecast --inference-precision")
struct InferencePrecisionOptionTests {
    @Test func defaultsToFP32AndParsesEveryPrecision() throws {
        #expect(try ForecastCommand.parse(["s.csv"]).inferencePrecision == .fp32)
        #expect(try ForecastCommand.parse(["s.csv", "--inference-precision", "int16"]).inferencePrecision == .int16)
        // int8 parses everywhere; validate() refuses it where the CPU cannot run it
        if LSTMInferencePrecision.int8.isAvailable {
            #expect(try ForecastCommand.parse(["s.csv", "--inference-precision", "int8"]).inferencePrecision == .int8)
        } else {
            #expect(throws: (any Error).self) { try ForecastCommand.parse(["s.csv", "--inference-precision", "int8"]) }
        }
    }

    @Test func anUnknownPrecisionNamesTheChoices() {
        #expect(throws: (any Error).self) { try ForecastCommand.parse(["s.csv", "--inference-precision", "int4"]) }
        do {
            _ = try ForecastCommand.parse(["s.csv", "--inference-precision", "int4"])
        } catch {
            let message = ForecastCommand.message(for: error)
            #expect(message.contains("int4") && message.contains("int16") && message.contains("int8"), "\(message)")
        }
    }
}
