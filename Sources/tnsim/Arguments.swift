import Foundation
import TrueNorth
import TrueNorthIO

/// One option of a command: `--name VALUE` or, for a flag, `--name`.
struct Option: Sendable {
  var name: String
  var value: String?  // placeholder shown in help, nil for a flag
  var help: String
  /// Whether the option may be given more than once (`--plugin`); any other option given twice
  /// is refused rather than silently taking the last value.
  var repeatable = false
}

/// A subcommand: its usage line, options and the function that runs it.
struct Command: Sendable {
  var name: String
  var summary: String
  var usage: String
  var details: String = ""
  var options: [Option]
  var run: @Sendable (ParsedArguments) throws -> Int32

  var help: String {
    var s = "\(summary)\n\nUsage: tnsim \(usage)\n"
    if !details.isEmpty { s += "\n\(details)\n" }
    if !options.isEmpty {
      s += "\nOptions:\n"
      let width = options.map { $0.name.count + ($0.value.map { $0.count + 1 } ?? 0) }.max() ?? 0
      for o in options {
        let left = "--\(o.name)" + (o.value.map { " " + $0 } ?? "")
        s += "  " + left + String(repeating: " ", count: max(2, width + 4 - left.count)) + o.help + "\n"
      }
    }
    s += "  --help" + String(repeating: " ", count: max(2, (options.map { $0.name.count + ($0.value.map { $0.count + 1 } ?? 0) }.max() ?? 4) + 4 - 6)) + "show this help\n"
    return s
  }
}

/// A bad command line: the flag (or the positional arguments), the value given and what is
/// allowed. Only the command line speaks of flags; libraries throw `InputError` values.
struct UsageError: Error, CustomStringConvertible {
  /// The flag without its dashes, or nil for the positional arguments.
  var flag: String?
  /// The value given, when there was one.
  var value: String?
  /// What is allowed instead.
  var allowed: String?
  /// What is wrong, in full.
  var message: String
  /// What names the positional argument in the printed line when `flag` is nil (the command's
  /// name is printed before it anyway).
  var arguments: String? = nil

  /// The printed line: `--flag: message`, `ARGUMENT: message`, or the message alone.
  var description: String {
    guard let label = flag.map({ "--" + $0 }) ?? arguments else { return message }
    return label + ": " + message
  }
}

/// The parsed command line of one subcommand, with typed accessors whose errors name the flag.
struct ParsedArguments: Sendable {
  var positional: [String] = []
  var values: [String: String] = [:]
  /// Every value of an option given more than once, in order (`values` keeps the last).
  var repeated: [String: [String]] = [:]
  var flags: Set<String> = []

  init(_ args: [String], options: [Option]) throws(UsageError) {
    var byName: [String: Option] = [:]
    for o in options { byName[o.name] = o }
    var i = 0
    while i < args.count {
      let a = args[i]
      i += 1
      guard a.hasPrefix("--"), a.count > 2 else {
        positional.append(a)
        continue
      }
      var name = String(a.dropFirst(2))
      var inline: String?
      if let eq = name.firstIndex(of: "=") {
        inline = String(name[name.index(after: eq)...])
        name = String(name[..<eq])
      }
      guard let option = byName[name] else {
        let hint = Self.nearest(name, among: options.map(\.name)).map { "did you mean --\($0)? " } ?? ""
        throw UsageError(flag: name, message: "unknown option; \(hint)see --help for the options of this command")
      }
      guard option.repeatable || (!flags.contains(name) && values[name] == nil) else {
        throw UsageError(flag: name, message: "given more than once; give it once")
      }
      if option.value == nil {
        guard inline == nil else { throw UsageError(flag: name, value: inline, message: "takes no value") }
        flags.insert(name)
      } else if let inline {
        values[name] = inline
        repeated[name, default: []].append(inline)
      } else {
        guard i < args.count else {
          throw UsageError(flag: name, allowed: option.value, message: "needs a value \(option.value ?? "")")
        }
        values[name] = args[i]
        repeated[name, default: []].append(args[i])
        i += 1
      }
    }
  }

  /// The option whose name is closest to a mistyped `name`: one that starts with it or that it
  /// starts with, else within two edits; nil when none is that close.
  static func nearest(_ name: String, among names: [String]) -> String? {
    if name.count >= 2, let prefix = names.first(where: { $0.hasPrefix(name) || name.hasPrefix($0) }) { return prefix }
    let scored = names.map { (name: $0, distance: editDistance(name, $0)) }.filter { $0.distance <= 2 }
    return scored.min { $0.distance < $1.distance }?.name
  }

  /// Levenshtein distance between two strings, by characters.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var row = Array(0...b.count)
    for i in 1...a.count {
      var diagonal = row[0]
      row[0] = i
      for j in 1...b.count {
        let above = row[j]
        row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
        diagonal = above
      }
    }
    return row[b.count]
  }

  func flag(_ name: String) -> Bool { flags.contains(name) }

  /// Every value of an option that may be repeated, in order.
  func strings(_ name: String) -> [String] { repeated[name] ?? [] }

  func string(_ name: String) -> String? { values[name] }

  func int(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
    guard let s = values[name] else { return nil }
    guard let v = Int(s.replacingOccurrences(of: "_", with: "")), range.contains(v) else {
      let allowed = "\(range.lowerBound)...\(range.upperBound)"
      throw UsageError(flag: name, value: s, allowed: allowed, message: "value '\(s)' is not an integer in \(allowed)")
    }
    return v
  }

  func uint64(_ name: String) throws(UsageError) -> UInt64? {
    guard let s = values[name] else { return nil }
    if let v = UInt64(s) { return v }
    if let v = Int64(s) { return UInt64(bitPattern: v) }
    throw UsageError(flag: name, value: s, allowed: "a 64-bit integer", message: "value '\(s)' is not a 64-bit integer")
  }

  func double(_ name: String, in range: ClosedRange<Double> = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)
    throws(UsageError) -> Double?
  {
    guard let s = values[name] else { return nil }
    guard let v = Double(s), range.contains(v) else {
      let allowed = "\(range.lowerBound)...\(range.upperBound)"
      throw UsageError(flag: name, value: s, allowed: allowed, message: "value '\(s)' is not a number in \(allowed)")
    }
    return v
  }

  /// A comma-separated list of integers, e.g. `--copies 1,2,4`.
  func intList(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> [Int]? {
    guard let s = values[name] else { return nil }
    var out: [Int] = []
    for part in s.split(separator: ",") {
      guard let v = Int(part.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
        let allowed = "\(range.lowerBound)...\(range.upperBound)"
        throw UsageError(flag: name, value: String(part), allowed: allowed, message: "'\(part)' is not an integer in \(allowed)")
      }
      out.append(v)
    }
    guard !out.isEmpty else { throw UsageError(flag: name, value: s, message: "needs at least one value") }
    return out
  }

  /// A comma-separated list of seeds, each a 64-bit integer or a range `A-B` of them, e.g.
  /// `--seeds 1-5` or `--seeds 1,2,7`; at most `limit` seeds.
  func seedList(_ name: String, limit: Int = 1000) throws(UsageError) -> [UInt64]? {
    guard let s = values[name] else { return nil }
    let allowed = "seeds or ranges A-B, e.g. 1-5 or 1,2,7"
    var out: [UInt64] = []
    for part in s.split(separator: ",", omittingEmptySubsequences: false) {
      let bounds = part.split(separator: "-", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
      guard (1...2).contains(bounds.count), let low = bounds.first!, let high = bounds.last!, low <= high else {
        throw UsageError(flag: name, value: String(part), allowed: allowed, message: "'\(part)' is not a seed or a range A-B of seeds (A <= B)")
      }
      guard high - low < UInt64(limit), out.count + Int(high - low) < limit else {
        throw UsageError(flag: name, value: s, allowed: "at most \(limit) seeds", message: "value '\(s)' gives more than \(limit) seeds")
      }
      out += Array(low...high)
    }
    return out
  }

  /// The single positional argument, named `what` in the error.
  func onePositional(_ what: String) throws(UsageError) -> String {
    guard positional.count == 1 else {
      throw UsageError(allowed: "one \(what)", message: positional.isEmpty ? "missing \(what)" : "expected one \(what), got \(positional.count) arguments")
    }
    return positional[0]
  }
}

/// Writes to standard error.
func printError(_ s: String) {
  FileHandle.standardError.write((s + "\n").data(using: .utf8)!)
}

/// Whether standard output (or error) is a terminal: progress bars only then.
var stderrIsTerminal: Bool { isatty(2) == 1 }
