package com.github.nexmark.flink.udf;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The UDF nexmark's q14 names (`CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'`),
 * with the nexmark repository's semantics, so the unchanged q14.sql runs on Flink here: how many UTF-8
 * bytes of {@code s} equal the first byte of {@code character}, 0 for a NULL {@code s}. Sluice ships the
 * same function in TypeScript (engine/src/sql/functions/userFunctions.ts). One source for both Maven
 * modules that run it: the Nexmark harness (bench/nexmark/flink) and the Flink SQL oracle (test/flink-sql).
 */
public class CountChar extends ScalarFunction {
  public long eval(@DataTypeHint("STRING") StringData s, @DataTypeHint("STRING") StringData character) {
    if (s == null) return 0;
    byte target = character.toBytes()[0];
    long n = 0;
    for (byte b : s.toBytes()) if (b == target) n++;
    return n;
  }
}
