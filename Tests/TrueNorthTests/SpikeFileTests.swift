import Foundation
import Testing
@testable import TrueNorth
@testable import TrueNorthIO

@Suite struct SpikeFileTests {
  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("tnsim-\(UInt32.random(in: 0...UInt32.max))-\(name)").path
  }

  static func write(_ text: String, _ name: String = "s.csv") -> String {
    let p = temporary(name)
    FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
    return p
  }

  @Test(arguments: [SpikeFormat.csv, .tnspk])
  func roundTripsBothKindsInBothFormats(format: SpikeFormat) throws {
    var inputs: [InputSpike] = []
    var outputs: [OutputSpike] = []
    for k in 0..<5000 {
      let i = Int32(k)
      inputs.append(InputSpike(tick: Int64(k / 7), core: i % 4096, axon: i % 256))
      outputs.append(OutputSpike(tick: Int64(k / 3), core: i % 77, neuron: i % 256, pin: k % 2 == 0 ? -1 : i))
    }
    let ip = Self.temporary("i"), op = Self.temporary("o")
    defer { try? FileManager.default.removeItem(atPath: ip); try? FileManager.default.removeItem(atPath: op) }
    let iw = try SpikeWriter<InputSpike>(path: ip, format: format)
    for s in inputs { try iw.write(s) }
    try iw.close()
    let ow = try SpikeWriter<OutputSpike>(path: op, format: format)
    for s in outputs { try ow.write(s) }
    try ow.close()
    var ir = try SpikeReader<InputSpike>(path: ip)
    var or = try SpikeReader<OutputSpike>(path: op)
    #expect(ir.format == format)
    #expect(try ir.readAll() == inputs)
    #expect(try or.readAll() == outputs)
    // No temporary (`.NAME.PID-RANDOM.partial`) is left beside the files.
    let folder = (ip as NSString).deletingLastPathComponent
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    for p in [ip, op] {
      let name = (p as NSString).lastPathComponent
      #expect(names.contains(name))
      #expect(!names.contains { $0.hasPrefix("." + name + ".") && $0.hasSuffix(".partial") })
    }
  }

  @Test(arguments: [
    ("tick,core,axon\n1,2,3\n0,1,1\n", 3, "tick 0 comes after tick 1"),
    ("tick,core,axon\n1,2\n", 2, "expected 3 fields"),
    ("tick,core,axon\n1,x,3\n", 2, "'x' is not an integer"),
    ("tick,core,axon\n1,2,256\n", 2, "value 256 is out of range; allowed: 0...255"),
    ("# comment\ntick,core,neuron,pin\n", 2, "this looks like an output spike file"),
  ])
  func malformedCSVNamesTheLine(text: String, line: Int, message: String) throws {
    let p = Self.write(text)
    defer { try? FileManager.default.removeItem(atPath: p) }
    do {
      var r = try SpikeReader<InputSpike>(path: p)
      _ = try r.readAll()
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(error.message.contains(message), "\(error)")
    }
  }

  @Test func truncatedBinaryFileNamesTheRecordAndOffset() throws {
    let p = Self.temporary("t.tnspk")
    defer { try? FileManager.default.removeItem(atPath: p) }
    let w = try SpikeWriter<InputSpike>(path: p)
    for t in 0..<3 { try w.write(InputSpike(tick: Int64(t), core: 0, axon: 1)) }
    try w.close()
    var bytes = try readFile(p)
    bytes.removeLast(5)
    FileManager.default.createFile(atPath: p, contents: Data(bytes))
    var r = try SpikeReader<InputSpike>(path: p)
    #expect(throws: InputError(file: p, path: "record 3", message: "truncated: 7 of 12 bytes at byte offset 40")) {
      _ = try r.readAll()
    }
    #expect(throws: InputError.self) { _ = try SpikeReader<OutputSpike>(path: p) }  // input file read as output
    #expect(throws: InputError(file: "/no/such", message: "no such file")) { _ = try SpikeReader<InputSpike>(path: "/no/such") }
  }
}
