/* The FEEL subset of engine/forms/feel.py, for hiding fields while a clerk types (the server decides).
 * Names (dotted paths), string/number/boolean/null literals, = != < <= > >=, and/or, not(...), ( ).
 * Keep the two in step: tests/unit/test_feel_js.py runs both on the same expressions. */
(function (root) {
  "use strict";
  var TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?)|(!=|<=|>=|=|<|>|\(|\))|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*))/y;
  var LITERALS = { "true": true, "false": false, "null": null };

  function present(a, b) { return a !== null && a !== undefined && b !== null && b !== undefined; }
  function equal(a, b) {
    if (a === undefined) { a = null; }
    if (b === undefined) { b = null; }
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
      return JSON.stringify(a) === JSON.stringify(b);
    }
    return a === b;
  }
  var COMPARISONS = {
    "=": function (a, b) { return equal(a, b); },
    "!=": function (a, b) { return !equal(a, b); },
    "<": function (a, b) { return present(a, b) && a < b; },
    "<=": function (a, b) { return present(a, b) && a <= b; },
    ">": function (a, b) { return present(a, b) && a > b; },
    ">=": function (a, b) { return present(a, b) && a >= b; }
  };

  function tokenize(text) {
    var tokens = [], position = 0;
    while (position < text.length) {
      if (text.slice(position).trim() === "") { break; }
      TOKEN.lastIndex = position;
      var match = TOKEN.exec(text);
      if (!match || TOKEN.lastIndex === position) { throw new Error("unsupported FEEL near " + text.slice(position, position + 15)); }
      if (match[1] !== undefined) { tokens.push(["string", match[1]]); }
      else if (match[2] !== undefined) { tokens.push(["number", match[2]]); }
      else if (match[3] !== undefined) { tokens.push(["op", match[3]]); }
      else { tokens.push(["name", match[4]]); }
      position = TOKEN.lastIndex;
    }
    return tokens;
  }

  function lookup(path, scope) {
    var value = scope;
    path.split(".").forEach(function (part) {
      value = (value !== null && typeof value === "object" && !Array.isArray(value)) ? value[part] : null;
      if (value === undefined) { value = null; }
    });
    return value;
  }

  function Parser(tokens) { this.tokens = tokens; this.index = 0; }
  Parser.prototype.peek = function () { return this.index < this.tokens.length ? this.tokens[this.index] : null; };
  Parser.prototype.take = function (value) {
    var token = this.peek();
    if (token === null || (value !== undefined && token[1] !== value)) { throw new Error("expected " + (value || "a value")); }
    this.index += 1;
    return token;
  };
  Parser.prototype.chain = function (word, operand, combineAll) {
    var parts = [operand.call(this)];
    while (this.peek() && this.peek()[0] === "name" && this.peek()[1] === word) {
      this.take();
      parts.push(operand.call(this));
    }
    if (parts.length === 1) { return parts[0]; }
    return function (scope) {
      return combineAll ? parts.every(function (p) { return Boolean(p(scope)); })
        : parts.some(function (p) { return Boolean(p(scope)); });
    };
  };
  Parser.prototype.expression = function () { return this.chain("or", this.conjunction, false); };
  Parser.prototype.conjunction = function () { return this.chain("and", this.comparison, true); };
  Parser.prototype.comparison = function () {
    var left = this.unary(), token = this.peek();
    if (token && token[0] === "op" && COMPARISONS[token[1]]) {
      this.take();
      var right = this.unary(), compare = COMPARISONS[token[1]];
      return function (scope) { return compare(left(scope), right(scope)); };
    }
    return left;
  };
  Parser.prototype.unary = function () {
    var token = this.take(), kind = token[0], value = token[1], inner;
    if (kind === "name" && value === "not") {
      this.take("(");
      inner = this.expression();
      this.take(")");
      return function (scope) { return !inner(scope); };
    }
    if (value === "(") {
      inner = this.expression();
      this.take(")");
      return inner;
    }
    if (kind === "string") {
      var text = value.slice(1, -1).replace(/\\"/g, "\"");
      return function () { return text; };
    }
    if (kind === "number") {
      var number = Number(value);
      return function () { return number; };
    }
    if (kind === "name" && Object.prototype.hasOwnProperty.call(LITERALS, value)) {
      var literal = LITERALS[value];
      return function () { return literal; };
    }
    if (kind === "name" && value !== "and" && value !== "or") {
      return function (scope) { return lookup(value, scope); };
    }
    throw new Error("unexpected " + value);
  };

  function compile(source) {
    var text = String(source).trim();
    if (text.charAt(0) === "=") { text = text.slice(1); }
    var parser = new Parser(tokenize(text));
    var condition = parser.expression();
    if (parser.peek() !== null) { throw new Error("unexpected " + parser.peek()[1]); }
    return condition;
  }

  var api = { compile: compile };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; } else { root.RenkeiFeel = api; }
})(this);
