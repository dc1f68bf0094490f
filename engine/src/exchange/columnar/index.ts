export { columnarCodec, ColumnarRecordError, type ColumnarHeader } from "./columnarCodec.js";
export { DictionaryGapError, MAX_DICTIONARY } from "./strings.js";
