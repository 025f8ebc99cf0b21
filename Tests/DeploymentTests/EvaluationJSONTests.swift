import Foundation
import Testing
@testable import Deployment
import TrueNorthIO

/// `tnsim eval --json` and `tnsim bench --json`: keys and number formats as before the one JSON
/// writer, names escaped.
@Suite struct EvaluationJSONTests {
  static let evaluation = ChipEvaluation(
    images: 200, correct: 191, copies: 2, spf: 4, coresUsed: 10, ticksPerImage: 4, latencyTicks: 6, spikesPerImage: 812.345,
    synapticEventsPerImage: 5001.24, hopsPerImage: 31.06, energyPerImageJoules: 1.23456e-6, wallSeconds: 3.14159)

  @Test func evaluationObjectIsExactAndEscaped() throws {
    let report = EvaluationReport(evaluation: Self.evaluation, predicted: 0.95126, chip: "a \"b\" chip")
    #expect(report.json == #"{"chip": "a \"b\" chip", "copies": 2, "spf": 4, "images": 200, "correct": 191, "accuracy": 0.9550, "predictedAccuracy": 0.9513, "cores": 10, "ticksPerImage": 4, "latencyTicks": 6, "spikesPerImage": 812.3, "synapticEventsPerImage": 5001.2, "hopsPerImage": 31.1, "energyPerImageMicrojoules": 1.2346, "wallSeconds": 3.14}"#)
    // The sweep's CSV columns: the same figures as text.
    #expect(report.fields.map(\.0) == EvaluationReport.fieldNames)
    #expect(report.fields.map(\.1) == ["2", "4", "200", "191", "0.9550", "0.9513", "10", "4", "6", "812.3", "5001.2", "31.1", "1.2346", "3.14"])
    _ = try JSONNode.parse(report.json)
  }

  @Test func benchmarkObjectIsExactAndEscaped() throws {
    let r = Benchmark.Result(name: "x\\y", threads: 2, cores: 5, ticks: 1000, frames: 990, synapticEvents: 123_456_789, spikes: 4321,
      wallSeconds: 0.5, stateBytes: 1024, peakResidentBytes: 2048)
    #expect(r.json == #"{"name": "x\\y", "threads": 2, "cores": 5, "ticks": 1000, "frames": 990, "synapticEvents": 123456789, "spikes": 4321, "wallSeconds": 0.5000, "ticksPerSecond": 2000.0, "synapticEventsPerSecond": 2.469e+08, "spikesPerSecond": 8642, "nsPerSynapticEvent": 4.050, "framesPerSecond": 1980.0, "stateBytes": 1024, "peakResidentBytes": 2048, "cpuSeconds": 0.0000}"#)
    _ = try JSONNode.parse(r.json)
  }
}
