"""jupyter_kernel_test's conformance suite with a real sample for every optional test."""

import unittest

import jupyter_kernel_test as jkt


class SluiceKernelTests(jkt.KernelTests):
    kernel_name = "sluice"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'

    completion_samples = [
        {"text": "const longVariableName = 1;\nlongVariab", "matches": {"longVariableName"}},
        {"text": "Math.ma", "matches": {"max"}},
    ]

    complete_code_samples = ["1 + 1", "const a = 1;", "function f() { return 1 }", "let s = `x`;\n\n"]
    incomplete_code_samples = ["function f() {", "const a = [1,", "if (true) {\n  console.log(1)"]
    invalid_code_samples = ["const = 1;", "let 1x = 2;", ")"]

    code_page_something = "Math.max?"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"a" + "b"', "result": "'ab'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "result": "[ 2, 4, 6 ]"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": "display.svg(\"<svg xmlns='http://www.w3.org/2000/svg'></svg>\")", "mime": "image/svg+xml"},
        {"code": 'display.vegaLite({ mark: "point", data: { values: [{ a: 1 }] } })', "mime": "application/vnd.vegalite.v5+json"},
    ]

    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"


class SluiceIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "sluice"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
