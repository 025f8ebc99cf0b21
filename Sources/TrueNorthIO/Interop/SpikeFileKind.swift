import Foundation
import TrueNorth

/// Which spike format a file holds, from its first bytes (not its name).
public enum SpikeFileKind: Sendable, Equatable {
  /// tnsim's CSV or binary (`TNSPIKES`) spike file.
  case tnsim
  /// One of the IBM toolchain's spike files.
  case ibm(IBMSpikeFile.Kind)
  /// RANC's `input.json`, whose packets are input spikes.
  case rancInput
  /// RANC's output text.
  case rancOutput

  /// Detects the format of the file at `path`; a file that cannot be opened reads as `.tnsim`,
  /// whose reader then reports the problem.
  /// - Throws: `InputError` when the file is a model rather than spikes.
  public static func detect(path: String) throws(InputError) -> SpikeFileKind {
    guard let h = FileHandle(forReadingAtPath: path) else { return .tnsim }
    defer { try? h.close() }
    let head = [UInt8]((try? h.read(upToCount: 4096)) ?? Data())
    if RANCOutputFile.detect(head) { return .rancOutput }
    if let kind = IBMSpikeFile.detect(head) { return .ibm(kind) }
    guard let first = head.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }), first == UInt8(ascii: "{") else {
      return .tnsim
    }
    let text = String(decoding: head, as: UTF8.self)
    if text.contains("\"tnsim-model\"") || text.contains("\"neuronTypes\"") || text.contains("\"tnsim-chip\"") {
      throw InputError(file: path, message: "is a model or chip file, not a spike file")
    }
    return .rancInput
  }
}

/// Opens spike files of every supported format: the factories `tnsim run`, `convert`, `diff`
/// and `validate --expect` use (see `SpikeFiles`).
enum InteropSpikeFiles {
  static func openInput(_ path: String, chip: ChipDefinition?) throws(InputError) -> any SpikeFileSource<InputSpike> {
    switch try SpikeFileKind.detect(path: path) {
    case .tnsim: return try SpikeReader<InputSpike>(path: path)
    case .ibm: return try IBMSpikeFile.readInput(path: path)
    case .rancInput:
      guard let chip else {
        throw InputError(file: path, message: "RANC packets name cores by (x, y); the chip is needed to number them")
      }
      return try RANCModelFiles.readPackets(path: path, chip: chip)
    case .rancOutput:
      throw InputError(file: path, line: 1, message: "holds RANC output spikes; expected input spikes")
    }
  }

  static func openOutput(_ path: String) throws(InputError) -> any SpikeFileSource<OutputSpike> {
    switch try SpikeFileKind.detect(path: path) {
    case .tnsim: return try SpikeReader<OutputSpike>(path: path)
    case .ibm(.binaryOutput): return try IBMSpikeFile.readOutput(path: path)
    case .ibm: throw InputError(file: path, line: 1, message: "holds IBM input spikes (.sfti/.sfri); expected output spikes")
    case .rancInput: throw InputError(file: path, message: "is a RANC input.json (input packets); expected output spikes")
    case .rancOutput: return try RANCOutputFile.read(path: path)
    }
  }

  static func createInput(_ path: String) throws(InputError) -> any SpikeFileSink<InputSpike> {
    if path.hasSuffix(".sfti") { return BufferedSpikeSink(path: path) { try IBMSpikeFile.textInputBytes($0) } }
    if path.hasSuffix(".sfri") { return BufferedSpikeSink(path: path) { try IBMSpikeFile.binaryInputBytes($0) } }
    return try SpikeWriter<InputSpike>(path: path)
  }

  static func createOutput(_ path: String, ticks: Int?, outputs: Int?, ranc: Bool = false) throws(InputError)
    -> any SpikeFileSink<OutputSpike>
  {
    if path.hasSuffix(".sfro") { return BufferedSpikeSink(path: path) { IBMSpikeFile.binaryOutputBytes($0) } }
    if ranc || path.hasSuffix(".txt") {
      return BufferedSpikeSink(path: path) { spikes in
        try RANCOutputFile.bytes(spikes, ticks: ticks,
          outputs: outputs ?? Int((spikes.map(\.pin).max() ?? -1) + 1))
      }
    }
    return try SpikeWriter<OutputSpike>(path: path)
  }
}
