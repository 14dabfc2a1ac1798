# EXECLOG_CHECK_CFLAG(FLAG, [ACTION-IF-ACCEPTED])
# Compiles a trivial program with FLAG and -Werror, so that a compiler which
# only warns about an unknown flag does not get it added.
AC_DEFUN([EXECLOG_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([cache], [execlog_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [cache], [
    execlog_saved_cflags=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AS_VAR_SET([cache], [yes])], [AS_VAR_SET([cache], [no])])
    CFLAGS=$execlog_saved_cflags])
  AS_VAR_IF([cache], [yes], [$2])
  AS_VAR_POPDEF([cache])
])

# EXECLOG_CHECK_LDFLAG(FLAG, [ACTION-IF-ACCEPTED])
AC_DEFUN([EXECLOG_CHECK_LDFLAG], [
  AS_VAR_PUSHDEF([cache], [execlog_cv_ldflag_$1])
  AC_CACHE_CHECK([whether the linker accepts $1], [cache], [
    execlog_saved_ldflags=$LDFLAGS
    LDFLAGS="$LDFLAGS $1"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([], [])],
      [AS_VAR_SET([cache], [yes])], [AS_VAR_SET([cache], [no])])
    LDFLAGS=$execlog_saved_ldflags])
  AS_VAR_IF([cache], [yes], [$2])
  AS_VAR_POPDEF([cache])
])
