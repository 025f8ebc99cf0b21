/// A plug-in as the command line names it: `NAME` or `NAME:key=value,key=value` (docs/plugins.md).
public struct PluginSpec: Sendable, Equatable {
  /// The plug-in's name (`probreg`, `ssl`, `terngrad`).
  public var name: String
  /// The settings in the order given.
  public var settings: [(key: String, value: String)]

  /// Parses `text`.
  /// - Throws: `TeaLearningError` naming `--plugin` and what is wrong (an empty name, a setting
  ///   without `=`, a key given twice).
  public init(parsing text: String) throws(TeaLearningError) {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    name = String(parts[0]).trimmingWhitespace
    guard !name.isEmpty else { throw TeaLearningError(file: "--plugin", message: "'\(text)' has no plug-in name; write NAME or NAME:key=value,...") }
    settings = []
    guard parts.count == 2, !parts[1].isEmpty else { return }
    for item in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
      let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = String(kv[0]).trimmingWhitespace
      guard kv.count == 2, !key.isEmpty else {
        throw TeaLearningError(file: "--plugin", field: name, message: "setting '\(item)' is not key=value")
      }
      guard !settings.contains(where: { $0.key == key }) else {
        throw TeaLearningError(file: "--plugin", field: "\(name).\(key)", message: "is given twice")
      }
      settings.append((key, String(kv[1]).trimmingWhitespace))
    }
  }

  public static func == (a: PluginSpec, b: PluginSpec) -> Bool {
    a.name == b.name && a.settings.elementsEqual(b.settings) { $0.key == $1.key && $0.value == $1.value }
  }

  /// The raw value of `key`, if given.
  public func value(_ key: String) -> String? { settings.first { $0.key == key }?.value }

  /// Throws unless every key given is one of `known`.
  public func check(known: [String]) throws(TeaLearningError) {
    for s in settings where !known.contains(s.key) {
      throw TeaLearningError(file: "--plugin", field: "\(name).\(s.key)", message: "is not a setting of \(name); its settings: \(known.joined(separator: ", "))")
    }
  }

  /// The number at `key` (or `fallback`), which must lie in `range`.
  public func double(_ key: String, default fallback: Double, in range: ClosedRange<Double>) throws(TeaLearningError) -> Double {
    guard let s = value(key) else { return fallback }
    guard let v = Double(s), v.isFinite, range.contains(v) else {
      throw TeaLearningError(file: "--plugin", field: "\(name).\(key)", message: "is '\(s)'; give a number in \(range.lowerBound)...\(range.upperBound)")
    }
    return v
  }

  /// The integer at `key` (or `fallback`), which must lie in `range`.
  public func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(TeaLearningError) -> Int {
    guard let s = value(key) else { return fallback }
    guard let v = Int(s), range.contains(v) else {
      throw TeaLearningError(file: "--plugin", field: "\(name).\(key)", message: "is '\(s)'; give an integer in \(range.lowerBound)...\(range.upperBound)")
    }
    return v
  }

  /// One of `choices` at `key` (or `fallback`).
  public func choice(_ key: String, default fallback: String, from choices: [String]) throws(TeaLearningError) -> String {
    guard let s = value(key) else { return fallback }
    guard choices.contains(s) else {
      throw TeaLearningError(file: "--plugin", field: "\(name).\(key)", message: "is '\(s)'; use \(choices.joined(separator: " or "))")
    }
    return s
  }

  /// A list of numbers separated by `/` at `key` (or `fallback`), each in `range`.
  public func doubles(_ key: String, default fallback: [Double], in range: ClosedRange<Double>) throws(TeaLearningError) -> [Double] {
    guard let s = value(key) else { return fallback }
    var out: [Double] = []
    for part in s.split(separator: "/") {
      guard let v = Double(part), v.isFinite, range.contains(v) else {
        throw TeaLearningError(file: "--plugin", field: "\(name).\(key)", message: "is '\(s)'; give numbers in \(range.lowerBound)...\(range.upperBound) separated by /")
      }
      out.append(v)
    }
    return out
  }
}

extension StringProtocol {
  var trimmingWhitespace: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}

/// The plug-ins `tnsim train --plugin` knows.
public enum TrainingPlugins {
  /// Their names.
  public static let names = ["probreg", "ssl", "terngrad"]

  /// Makes the plug-in `text` names.
  /// - Throws: `TeaLearningError` for an unknown name or a bad setting.
  public static func make(_ text: String) throws(TeaLearningError) -> any TrainingPlugin {
    let spec = try PluginSpec(parsing: text)
    switch spec.name {
    case "probreg": return try ProbabilityRegularizer(spec)
    case "ssl": return try StructuredSparsity(spec)
    case "terngrad": return try TernGrad(spec)
    default:
      throw TeaLearningError(file: "--plugin", field: spec.name, message: "is not a plug-in; use \(names.joined(separator: ", "))")
    }
  }

  /// The plug-ins of `options` in order, then clipping; at most one may compute gradients
  /// itself (a data-parallel plug-in).
  public static func make(for options: TrainingOptions) throws(TeaLearningError) -> [any TrainingPlugin] {
    var list: [any TrainingPlugin] = []
    for text in options.plugins { list.append(try make(text)) }
    let names = list.map(\.name)
    for n in Set(names) where names.filter({ $0 == n }).count > 1 {
      throw TeaLearningError(file: "--plugin", field: n, message: "is given twice; give each plug-in once with all its settings")
    }
    return list + [ClipParameters()]
  }
}
