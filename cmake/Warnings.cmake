# Warning flags for every roomsys target; -Werror when RS_WERROR is on (CI).
set(RS_WARNINGS -Wall -Wextra -Wstrict-prototypes -Wshadow -Wformat=2 -Wno-unused-parameter
    -Wmissing-prototypes -Wvla)
add_compile_options(${RS_WARNINGS})
if(RS_WERROR)
  add_compile_options(-Werror)
endif()
